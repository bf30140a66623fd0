package org.ehrflow.demo.retrieval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ehrflow.embedding.ModelVariant;

/**
 * The benchmark's command line: {@code [--corpus DIR] [--data DIR] [--dump DIR] [--models INT8,FP32,BGE_SMALL_INT8]
 * [--naive true|false] [--every N] [--fusions] [--sql FILE] [--latency ROWS] [--max-patient-chunks N]}. {@code --data}
 * keeps the PostgreSQL cluster between runs, so a
 * second run skips indexing (delete the directory after a chunker or schema change). {@code --every N} asks every
 * N-th question only (quick runs); {@code --fusions} adds the fusion variants used to choose the default;
 * {@code --sql FILE} runs a script on the vector database before migrating it (development: undo a migration under
 * change in a kept data directory); {@code --latency ROWS} also times every question against a synthetic patient
 * of that many chunks (LatencyProbe); {@code --max-patient-chunks N} keeps the questions of patients with at most N
 * chunks and re-embeds / builds the baseline for those patients only (a model comparison in bounded time on a
 * shared 2-core machine).
 */
record BenchOptions(Path corpus, Path dataDir, Path dump, List<ModelVariant> models, boolean naive, int every,
        boolean fusions, Path sqlBefore, int latencyRows, int maxPatientChunks) {

    static BenchOptions parse(String[] args) {
        Path corpus = Path.of("..", "shared", "corpus");
        Path data = null;
        Path dump = null;
        List<ModelVariant> models = List.of(ModelVariant.INT8, ModelVariant.FP32, ModelVariant.BGE_SMALL_INT8);
        boolean naive = true;
        int every = 1;
        boolean fusions = false;
        Path sql = null;
        int latency = 0;
        int maxChunks = Integer.MAX_VALUE;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--fusions")) {
                fusions = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--corpus" -> corpus = Path.of(v);
                case "--data" -> data = Path.of(v);
                case "--dump" -> dump = Path.of(v);
                case "--sql" -> sql = Path.of(v);
                case "--latency" -> latency = Integer.parseInt(v);
                case "--max-patient-chunks" -> maxChunks = Integer.parseInt(v);
                case "--naive" -> naive = Boolean.parseBoolean(v);
                case "--every" -> every = Integer.parseInt(v);
                case "--models" -> {
                    List<ModelVariant> m = new ArrayList<>();
                    for (String s : v.split(",")) {
                        m.add(ModelVariant.valueOf(s.trim().toUpperCase(Locale.ROOT)));
                    }
                    models = List.copyOf(m);
                }
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (!Files.isDirectory(corpus.resolve("fhir"))) {
            throw new IllegalArgumentException("no corpus at " + corpus.toAbsolutePath() + " (--corpus DIR)");
        }
        if (every < 1 || models.isEmpty()) {
            throw new IllegalArgumentException("--every must be >= 1 and --models non-empty");
        }
        return new BenchOptions(corpus, data, dump, models, naive, every, fusions, sql, latency, maxChunks);
    }
}
