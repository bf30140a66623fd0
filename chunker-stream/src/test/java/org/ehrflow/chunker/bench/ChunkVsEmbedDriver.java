package org.ehrflow.chunker.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ehrflow.chunker.TestSupport;
import org.ehrflow.chunker.chunking.ChunkResult;
import org.ehrflow.chunker.chunking.ChunkingOptions;
import org.ehrflow.chunker.chunking.FhirParsing;
import org.ehrflow.chunker.chunking.ResourceChunker;
import org.ehrflow.chunker.chunking.TextChunker;
import org.ehrflow.chunker.chunking.phi.KnownPhi;
import org.ehrflow.chunker.chunking.phi.PhiDetector;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.embedding.OnnxEmbedder;
import org.ehrflow.schemas.Chunk;
import org.ehrflow.schemas.FhirRecord;

/**
 * Same-run ratio: the chunker's CPU time per chunk (this thread's CPU time, PHI tagging and de-identification
 * included) against the embedding time per chunk of {@code OnnxEmbedder.load(INT8)} on the very chunks produced
 * (wall time and process CPU time). Five rounds each after a warm-up; medians printed. The chunker is measured
 * counting with the production pure-Java {@code WordPieceTokenizer} and, for comparison, with the native
 * {@code ModelTokenizer} it replaced (same chunks).
 * Run: mvn -o -q -pl chunker-stream test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.ehrflow.chunker.bench.ChunkVsEmbedDriver
 */
public final class ChunkVsEmbedDriver {

    private static final int ROUNDS = 5;

    private ChunkVsEmbedDriver() {
    }

    public static void main(String[] args) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        List<FhirRecord> records = BenchInputs.records();
        List<String> nativeTexts = new ArrayList<>();
        double[] nativeCpu = chunkRounds(new ResourceChunker(
                new TextChunker(TestSupport.TOKENIZER, ChunkingOptions.defaults()), PhiDetector.patternsOnly()),
                records, nativeTexts, threads);
        List<String> texts = new ArrayList<>();
        double[] chunkCpu = chunkRounds(TestSupport.chunker(), records, texts, threads);
        if (!texts.equals(nativeTexts)) {
            throw new IllegalStateException("the two counters gave different chunks");
        }
        // Breakdown: PHI tagging alone, and FHIR parsing alone, on the same inputs.
        PhiDetector phi = PhiDetector.patternsOnly();
        long p0 = threads.getCurrentThreadCpuTime();
        for (int r = 0; r < ROUNDS; r++) {
            texts.forEach(t -> phi.find(t, KnownPhi.NONE));
        }
        double phiCpu = (threads.getCurrentThreadCpuTime() - p0) / 1e6 / ROUNDS / texts.size();
        long f0 = threads.getCurrentThreadCpuTime();
        for (int r = 0; r < ROUNDS; r++) {
            records.forEach(rec -> FhirParsing.parse(rec.resourceJson()));
        }
        double parseCpu = (threads.getCurrentThreadCpuTime() - f0) / 1e6 / ROUNDS / texts.size();
        int n = Math.min(texts.size(), Integer.getInteger("embed.chunks", 400));
        List<String> sample = texts.subList(0, n);
        double[] embedWall = new double[ROUNDS];
        double[] embedCpu = new double[ROUNDS];
        try (OnnxEmbedder embedder = OnnxEmbedder.load(ModelVariant.INT8)) {
            embedder.embed(sample.subList(0, Math.min(50, n))); // warm-up
            for (int r = 0; r < ROUNDS; r++) {
                long w0 = System.nanoTime();
                long c0 = os.getProcessCpuTime();
                embedder.embed(sample);
                embedWall[r] = (System.nanoTime() - w0) / 1e6 / n;
                embedCpu[r] = (os.getProcessCpuTime() - c0) / 1e6 / n;
            }
        }
        double chunk = median(chunkCpu);
        System.out.printf("records %d, chunks %d (embedded %d), processors %d%n", records.size(), texts.size(), n,
                Runtime.getRuntime().availableProcessors());
        System.out.printf("chunker CPU ms/chunk  median %.3f  rounds %s%n", chunk, Arrays.toString(chunkCpu));
        System.out.printf("  same with the native counter %.3f ms/chunk (%.1f %% of embed CPU)  rounds %s%n",
                median(nativeCpu), 100 * median(nativeCpu) / median(embedCpu), Arrays.toString(nativeCpu));
        System.out.printf("  of which PHI find %.3f, FHIR parse %.3f ms/chunk%n", phiCpu, parseCpu);
        System.out.printf("embed wall ms/chunk   median %.3f  rounds %s%n", median(embedWall),
                Arrays.toString(embedWall));
        System.out.printf("embed CPU ms/chunk    median %.3f  rounds %s%n", median(embedCpu),
                Arrays.toString(embedCpu));
        System.out.printf("ratio chunker CPU / embed wall = %.1f %%; / embed CPU = %.1f %%%n",
                100 * chunk / median(embedWall), 100 * chunk / median(embedCpu));
        TestSupport.TOKENIZER.close();
    }

    // One warm-up, then ROUNDS measured rounds of this thread's CPU time per chunk; texts: the last round's chunks.
    private static double[] chunkRounds(ResourceChunker chunker, List<FhirRecord> records, List<String> texts,
            ThreadMXBean threads) {
        chunkAll(chunker, records, texts);
        double[] cpu = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            texts.clear();
            long t0 = threads.getCurrentThreadCpuTime();
            chunkAll(chunker, records, texts);
            cpu[r] = (threads.getCurrentThreadCpuTime() - t0) / 1e6 / texts.size();
        }
        return cpu;
    }

    private static void chunkAll(ResourceChunker chunker, List<FhirRecord> records, List<String> texts) {
        for (FhirRecord rec : records) {
            if (chunker.chunk(rec) instanceof ChunkResult.Mapped m) {
                m.set().chunks().stream().map(Chunk::text).forEach(texts::add);
            }
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
