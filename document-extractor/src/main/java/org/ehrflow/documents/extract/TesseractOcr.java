package org.ehrflow.documents.extract;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.ehrflow.documents.error.ReasonCodes;

/**
 * OCR through the {@code tesseract} command (Debian's tesseract-ocr 5), one bounded process per image: TSV
 * output gives words with their confidence in one pass, so text and confidence come from the same run. A direct
 * process call rather than Tika's TesseractOCRParser: we need per-page confidence and a hard kill on timeout,
 * and Tika's parser returns text only. {@code OMP_THREAD_LIMIT=1}: parallelism comes from the stage's worker
 * threads, and Tesseract's OpenMP threads on top of them oversubscribe the cores. Run under {@code nice}: OCR is
 * background work, and on a machine it shares with the fast lane and the other stages the latency-sensitive
 * threads should win the CPU (BENCHMARKS.md, "Documents", isolation). Thread-safe.
 */
public final class TesseractOcr implements OcrEngine {

    private static final String NICE = "/usr/bin/nice";

    private final String command;
    private final String language;
    private final int niceness;

    /** Tesseract at normal priority. */
    public TesseractOcr(String command, String language) {
        this(command, language, 0);
    }

    /** Tesseract at {@code niceness} (0..19; 0 = normal priority; ignored where {@code nice} is missing). */
    public TesseractOcr(String command, String language, int niceness) {
        this.command = command;
        this.language = language;
        this.niceness = niceness;
    }

    /** Whether the command runs here (tests and the app's start-up check). */
    public boolean available() {
        try {
            Process p = new ProcessBuilder(command, "--version").redirectErrorStream(true).start();
            p.getInputStream().transferTo(OutputStream.nullOutputStream());
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public List<OcrPage> recognize(Path image, Duration timeout) throws DocumentFailure {
        List<String> cmd = new ArrayList<>();
        if (niceness > 0 && Files.isExecutable(Path.of(NICE))) {
            cmd.addAll(List.of(NICE, "-n", Integer.toString(niceness)));
        }
        cmd.addAll(List.of(command, image.toString(), "stdout", "-l", language, "--psm", "3", "tsv"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("OMP_THREAD_LIMIT", "1");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        // Output to a private file, not a pipe: no reader thread to schedule (a pipe read from the common pool
        // can starve on a small machine while Tesseract blocks on a full pipe), and nothing left open on a kill.
        Path out = null;
        Process p = null;
        try {
            out = Files.createTempFile("ehrflow-ocr-", ".tsv");
            pb.redirectOutput(out.toFile());
            p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new DocumentFailure(ReasonCodes.OCR_TIMEOUT);
            }
            if (p.exitValue() != 0) {
                throw new DocumentFailure(ReasonCodes.OCR_FAILED);
            }
            return parseTsv(Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DocumentFailure(ReasonCodes.OCR_FAILED, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DocumentFailure(ReasonCodes.OCR_TIMEOUT);
        } finally {
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temp file the OS cleans; it holds no more than the image did
                }
            }
        }
    }

    /**
     * Tesseract TSV: level, page_num, block_num, par_num, line_num, word_num, left, top, width, height, conf,
     * text. Words (level 5) are joined by spaces within a line, lines by newlines, paragraphs and blocks by a
     * blank line.
     */
    static List<OcrPage> parseTsv(String tsv) {
        Map<Integer, StringBuilder> text = new TreeMap<>();
        Map<Integer, double[]> conf = new TreeMap<>();
        String lastLine = null;
        String lastPar = null;
        for (String row : tsv.split("\n")) {
            String[] f = row.split("\t", -1);
            if (f.length < 12 || !f[0].equals("5")) {
                if (f.length >= 2 && f[0].equals("1")) {
                    int page = Integer.parseInt(f[1].strip());
                    text.computeIfAbsent(page, k -> new StringBuilder());
                    conf.computeIfAbsent(page, k -> new double[2]);
                }
                continue;
            }
            String word = f[11].strip();
            double c = Double.parseDouble(f[10].strip());
            if (word.isEmpty() || c < 0) {
                continue;
            }
            int page = Integer.parseInt(f[1].strip());
            String par = page + "." + f[2] + "." + f[3];
            String line = par + "." + f[4];
            StringBuilder sb = text.computeIfAbsent(page, k -> new StringBuilder());
            if (!line.equals(lastLine) && sb.length() > 0) {
                sb.append(par.equals(lastPar) ? "\n" : "\n\n");
            } else if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(word);
            double[] sum = conf.computeIfAbsent(page, k -> new double[2]);
            sum[0] += c;
            sum[1]++;
            lastLine = line;
            lastPar = par;
        }
        List<OcrPage> pages = new ArrayList<>();
        for (Map.Entry<Integer, StringBuilder> e : text.entrySet()) {
            double[] s = conf.get(e.getKey());
            pages.add(new OcrPage(e.getKey(), e.getValue().toString(), s[1] == 0 ? 0 : s[0] / s[1]));
        }
        return pages;
    }
}
