package org.ehrflow.documents.bench;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.ocr.TesseractOCRConfig;
import org.apache.tika.parser.pdf.PDFParserConfig;
import org.apache.tika.sax.BodyContentHandler;
import org.ehrflow.documents.Docs;
import org.ehrflow.documents.extract.DocumentExtractor;
import org.ehrflow.documents.extract.ExtractionLimits;
import org.ehrflow.documents.extract.Fixtures;
import org.ehrflow.documents.extract.TesseractOcr;
import org.ehrflow.documents.mapping.AttachmentSource;
import org.ehrflow.documents.mapping.DocumentMapper;
import org.ehrflow.documents.mapping.MappingResult;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.Topics;

/**
 * Throughput of the document extractor's per-record work against the library alone, on the same inputs in the
 * same run, alternating rounds (BENCHMARKS.md, "Documents"):
 * <ol>
 * <li>text-layer PDF pages/s: the stage's step (FhirRecord JSON with base64 PDF in, DocumentMapper, DocumentText
 * serialised out) vs Tika's AutoDetectParser + BodyContentHandler on the raw PDF bytes;</li>
 * <li>OCR pages/s and CPU per page: the slow lane's step on a DocumentReference holding a scanned PNG vs the
 * {@code tesseract} CLI on the same PNG file (both with OMP_THREAD_LIMIT=1, as the stage runs it).</li>
 * </ol>
 * Args: pdfDocs pagesPerPdf ocrPages rounds.
 */
public final class DocumentBenchmark {

    public static void main(String[] args) throws Exception {
        int pdfDocs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int pagesPerPdf = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int ocrPages = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        pdf(pdfDocs, pagesPerPdf, rounds);
        ocr(ocrPages, Math.max(2, rounds / 2));
    }

    private static void pdf(int docs, int pages, int rounds) throws Exception {
        List<byte[]> pdfs = new ArrayList<>();
        List<FhirRecord> records = new ArrayList<>();
        for (int d = 0; d < docs; d++) {
            List<String> texts = new ArrayList<>();
            for (int p = 0; p < pages; p++) {
                texts.add(pageText(d, p));
            }
            byte[] pdf = Fixtures.textPdf(texts);
            pdfs.add(pdf);
            records.add(Docs.upsert("pdf-" + d, Docs.documentReference("application/pdf", pdf)));
        }
        AutoDetectParser tika = new AutoDetectParser();

        try (DocumentExtractor x = new DocumentExtractor(ExtractionLimits.DEFAULTS, null)) {
            DocumentMapper mapper = new DocumentMapper(x, null);
            double[] tikaRate = new double[rounds];
            double[] stageRate = new double[rounds];
            double[] tikaCpu = new double[rounds];
            double[] stageCpu = new double[rounds];

            for (int w = 0; w < 3; w++) { // warm-up both paths
                runTika(tika, pdfs);
                runStage(mapper, records);
            }
            // Interleaved per document (Tika, then the stage, on the same file): a shared machine's load changes
            // from second to second, and both sides see the same share of it.
            for (int r = 0; r < rounds; r++) {
                long tikaNs = 0;
                long stageNs = 0;
                double tikaC = 0;
                double stageC = 0;
                for (int d = 0; d < docs; d++) {
                    double c0 = cpuSeconds();
                    long t0 = System.nanoTime();
                    runTika(tika, pdfs.subList(d, d + 1));
                    long t1 = System.nanoTime();
                    double c1 = cpuSeconds();
                    runStage(mapper, records.subList(d, d + 1));
                    long t2 = System.nanoTime();
                    double c2 = cpuSeconds();
                    tikaNs += t1 - t0;
                    stageNs += t2 - t1;
                    tikaC += c1 - c0;
                    stageC += c2 - c1;
                }
                tikaRate[r] = docs * pages / (tikaNs / 1e9);
                stageRate[r] = docs * pages / (stageNs / 1e9);
                tikaCpu[r] = tikaC * 1000 / (docs * pages);
                stageCpu[r] = stageC * 1000 / (docs * pages);
            }
            double tm = median(tikaRate);
            double sm = median(stageRate);
            System.out.printf("text-layer PDF (%d docs x %d pages, %d rounds, median): Tika alone %.1f pages/s "
                    + "(%.2f CPU-ms/page), stage step %.1f pages/s (%.2f CPU-ms/page), ratio %.2f (by CPU %.2f)%n",
                    docs, pages, rounds, tm, median(tikaCpu), sm, median(stageCpu), sm / tm,
                    median(tikaCpu) / median(stageCpu));
        }
    }

    private static void runTika(org.apache.tika.parser.Parser tika, List<byte[]> pdfs) throws Exception {
        for (byte[] pdf : pdfs) {
            ParseContext ctx = new ParseContext();
            TesseractOCRConfig ocr = new TesseractOCRConfig();
            ocr.setSkipOcr(true);
            ctx.set(TesseractOCRConfig.class, ocr);
            PDFParserConfig pc = new PDFParserConfig();
            pc.setOcrStrategy(PDFParserConfig.OCR_STRATEGY.NO_OCR);
            ctx.set(PDFParserConfig.class, pc);
            BodyContentHandler h = new BodyContentHandler(-1);
            tika.parse(new ByteArrayInputStream(pdf), h, new Metadata(), ctx);
            if (h.toString().isEmpty()) {
                throw new IllegalStateException("no text");
            }
        }
    }

    private static void runStage(DocumentMapper mapper, List<FhirRecord> records) throws Exception {
        for (FhirRecord rec : records) {
            // What the fast lane does per record: deserialize, map, serialize the output.
            byte[] in = Topics.FHIR_RESOURCES.valueSerde().serializer().serialize("t", rec);
            FhirRecord back = Topics.FHIR_RESOURCES.valueSerde().deserializer().deserialize("t", in);
            MappingResult r = mapper.map(back);
            if (!(r instanceof MappingResult.Mapped m)) {
                throw new IllegalStateException(r.toString());
            }
            Topics.DOCUMENT_TEXT.valueSerde().serializer().serialize("t", m.document());
        }
    }

    private static void ocr(int pages, int rounds) throws Exception {
        Path dir = Files.createTempDirectory("ehrflow-ocr-bench");
        List<Path> files = new ArrayList<>();
        List<FhirRecord> records = new ArrayList<>();
        for (int i = 0; i < pages; i++) {
            byte[] png = Fixtures.png(Fixtures.scan(pageText(i, 0), i));
            Path f = dir.resolve("page-" + i + ".png");
            Files.write(f, png);
            files.add(f);
            records.add(Docs.upsert("scan-" + i, Docs.documentReference("image/png", png)));
        }
        TesseractOcr engine = new TesseractOcr("tesseract", "eng");
        try (DocumentExtractor x = new DocumentExtractor(ExtractionLimits.DEFAULTS, engine)) {
            DocumentMapper mapper = new DocumentMapper(x, AttachmentSource.NONE);
            double[] cliRate = new double[rounds];
            double[] stageRate = new double[rounds];
            double[] cliCpu = new double[rounds];
            double[] stageCpu = new double[rounds];
            runCli(files.subList(0, 1));
            runStage(mapper, records.subList(0, 1));
            for (int r = 0; r < rounds; r++) {
                long cliNs = 0;
                long stageNs = 0;
                double cliC = 0;
                double stageC = 0;
                for (int i = 0; i < pages; i++) { // interleaved per page, as above
                    double c0 = cpuSeconds();
                    long t0 = System.nanoTime();
                    runCli(files.subList(i, i + 1));
                    long t1 = System.nanoTime();
                    double c1 = cpuSeconds();
                    runStage(mapper, records.subList(i, i + 1));
                    long t2 = System.nanoTime();
                    double c2 = cpuSeconds();
                    cliNs += t1 - t0;
                    stageNs += t2 - t1;
                    cliC += c1 - c0;
                    stageC += c2 - c1;
                }
                cliRate[r] = pages / (cliNs / 1e9);
                stageRate[r] = pages / (stageNs / 1e9);
                cliCpu[r] = cliC / pages;
                stageCpu[r] = stageC / pages;
            }
            double cm = median(cliRate);
            double sm = median(stageRate);
            System.out.printf("OCR (%d scanned pages 1700x2200, %d rounds, median): tesseract CLI %.2f pages/s "
                    + "(%.2f CPU-s/page), stage step %.2f pages/s (%.2f CPU-s/page), ratio %.2f%n", pages, rounds,
                    cm, median(cliCpu), sm, median(stageCpu), sm / cm);
        }
        for (Path f : files) {
            Files.deleteIfExists(f);
        }
        Files.deleteIfExists(dir);
    }

    private static void runCli(List<Path> files) throws Exception {
        for (Path f : files) {
            ProcessBuilder pb = new ProcessBuilder("tesseract", f.toString(), "stdout", "-l", "eng", "--psm", "3");
            pb.environment().put("OMP_THREAD_LIMIT", "1");
            pb.redirectErrorStream(true);
            Process p = pb.start();
            p.getInputStream().transferTo(OutputStream.nullOutputStream());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("tesseract failed");
            }
        }
    }

    /** CPU of this JVM plus its waited-for children (Tesseract), from /proc/self/stat (Linux). */
    private static double cpuSeconds() throws Exception {
        double jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields 16 and 17 of stat (cutime, cstime) are at 13 and 14 after the command name
        double children = (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0;
        return jvm + children;
    }

    private static String pageText(int doc, int page) {
        return "DISCHARGE SUMMARY page " + (page + 1) + " of document " + doc + "\n"
                + "HISTORY: 67 year old with chest pain and dyspnea on exertion.\n"
                + "HOSPITAL COURSE: Troponin peaked at 0.9 ng/mL; catheterization\n"
                + "showed a 90 percent stenosis of the LAD treated with a stent.\n"
                + "MEDICATIONS: aspirin 81 mg daily, ticagrelor 90 mg twice daily,\n"
                + "atorvastatin 80 mg nightly, metoprolol succinate 50 mg daily.\n"
                + "FOLLOW-UP: cardiology clinic in two weeks; cardiac rehabilitation.";
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
