package org.ehrflow.sink.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.embedding.OnnxEmbedder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Embedding throughput of the sink's model, batched (padded batches of 8 or 32 in one ONNX Runtime call) against one
 * text per call, for INT8 and FP32, in one run. Each operation embeds the same 32 synthetic chunk texts of
 * roughly 60-110 tokens; the score is operations per second (x 32 = texts per second).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class EmbedBatchingBenchmark {

    @Param({"INT8", "FP32"})
    public String variant;

    @Param({"1", "8", "32"})
    public int batch;

    private OnnxEmbedder embedder;
    private List<String> texts;

    @Setup(Level.Trial)
    public void load() {
        embedder = OnnxEmbedder.load(ModelVariant.valueOf(variant), Runtime.getRuntime().availableProcessors(), batch);
        texts = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            StringBuilder sb = new StringBuilder("Progress note, Assessment: ");
            for (int j = 0; j <= i % 4; j++) {
                sb.append("Patient reports intermittent cough and low grade fever for ").append(i + 2)
                        .append(" days; chest clear on auscultation, saturation 97 percent on room air. ");
            }
            texts.add(sb.toString());
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        embedder.close();
    }

    @Benchmark
    public List<float[]> embed32() {
        return embedder.embed(texts);
    }
}
