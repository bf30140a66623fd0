package org.ehrflow.demo.retrieval;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ehrflow.embedding.ModelTokenizer;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.embedding.OnnxEmbedder;
import org.ehrflow.embedding.WordPieceTokenizer;
import org.ehrflow.localstack.EmbeddedKafka;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.pipeline.Pipeline;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.sink.store.Migrations;

/**
 * The retrieval benchmark (issue 15): indexes {@code ../shared/corpus} with the real pipeline, then asks the
 * question set and prints recall@1/5/10, MRR, nDCG@10, duplicate share and latency for the naive baseline and
 * the pipeline's chunks in dense, lexical and hybrid mode. Not part of CI: run it by hand (BENCHMARKS.md).
 */
public final class RetrievalBench {

    private RetrievalBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions opts = BenchOptions.parse(args);
        PrintStream out = System.out;
        try (LocalPostgres pg = opts.dataDir() == null ? LocalPostgres.startTemporary()
                : LocalPostgres.start(opts.dataDir())) {
            if (!indexed(pg)) {
                ingest(pg, opts, out);
            } else {
                out.println("== Reusing the indexed corpus in " + opts.dataDir() + " ==");
            }
            if (opts.dump() != null) {
                IndexDump.write(pg, opts.dump());
                out.println("dumped to " + opts.dump());
            }
            if (opts.sqlBefore() != null) {
                try (Connection c = pg.connect(Pipeline.RAG_DB); Statement st = c.createStatement()) {
                    st.execute(Files.readString(opts.sqlBefore()));
                }
            }
            Migrations.run(pg.jdbcUrl(Pipeline.RAG_DB), pg.superuser(), pg.superuserPassword());
            evaluate(pg, opts, out);
        }
    }

    private static void evaluate(LocalPostgres pg, BenchOptions opts, PrintStream out) throws Exception {
        List<Question> all = QuestionSet.load();
        List<Question> questions = new ArrayList<>();
        Map<String, Long> sizes = patientSizes(pg);
        for (int i = 0; i < all.size(); i += opts.every()) {
            if (sizes.getOrDefault(all.get(i).patient(), 0L) <= opts.maxPatientChunks()) {
                questions.add(all.get(i));
            }
        }
        List<String> patients = questions.stream().map(Question::patient).distinct().sorted().toList();
        out.printf("%n== %d questions (%d in the set), %d patients ==%n", questions.size(), all.size(),
                questions.stream().map(Question::patient).distinct().count());
        BenchReport report = new BenchReport(out);
        List<String> costs = new ArrayList<>();
        try (Connection c = pg.connect(Pipeline.RAG_DB)) {
            c.setAutoCommit(false);
            RelevantCounts pipelineRel = RelevantCounts.of(c,
                    "SELECT patient_key, text, source_id FROM ehrflow.chunk WHERE patient_key = ?", questions);
            boolean naiveDone = false;
            for (ModelVariant model : opts.models()) {
                try (OnnxEmbedder embedder = OnnxEmbedder.load(model)) {
                    if (!model.modelName().equals(ModelSwap.serving(c))) {
                        out.println("== re-embedding the index with " + model.modelName() + " ==");
                        ModelSwap.Cost cost = ModelSwap.reembed(c, embedder, patients);
                        costs.add(String.format("| %s | %d | %.2f | %.1f |", model.modelName(), cost.chunks(),
                                cost.cpuMillisPerChunk(), cost.wallNanos() / 1e6 / cost.chunks()));
                    }
                    Evaluation.QueryVectors vectors = new Evaluation.QueryVectors(embedder);
                    report.header();
                    if (opts.naive() && !naiveDone) {
                        out.println("(building the naive baseline with " + model.modelName() + ")");
                        WordPieceTokenizer tokens = WordPieceTokenizer.over(ModelTokenizer.load(model));
                        int n = NaiveIndex.build(c, embedder, tokens, ModelVariant.MAX_TOKENS - 2, patients);
                        RelevantCounts naiveRel = RelevantCounts.of(c,
                                "SELECT patient_key, text, source_id FROM bench.naive_chunk WHERE patient_key = ?",
                                questions);
                        Evaluation e = Evaluation.run(c, new NaiveIndex(), questions, vectors, naiveRel, 10);
                        report.row(model.modelName(), "naive dense (" + n + " chunks)", e);
                        report.categories(model.modelName(), "naive", e);
                        naiveDone = true;
                    }
                    if (opts.latencyRows() > 0 && model == opts.models().get(0)) {
                        LatencyProbe.run(c, questions, vectors, opts.latencyRows(), report, model.modelName(), out);
                        report.header();
                    }
                    for (Searcher s : methods(opts)) {
                        Evaluation e = Evaluation.run(c, s, questions, vectors, pipelineRel, 10);
                        report.row(model.modelName(), s.name(), e);
                        report.categories(model.modelName(), s.name(), e);
                    }
                }
            }
        }
        if (!costs.isEmpty()) {
            out.println("\n| model | chunks re-embedded | process CPU ms per chunk | wall ms per chunk |");
            out.println("|---|---|---|---|");
            costs.forEach(out::println);
        }
    }

    private static Map<String, Long> patientSizes(LocalPostgres pg) throws Exception {
        Map<String, Long> out = new HashMap<>();
        try (Connection c = pg.connect(Pipeline.RAG_DB); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT patient_key, count(*) FROM ehrflow.chunk GROUP BY 1")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    private static List<Searcher> methods(BenchOptions opts) {
        // Hybrid as the function's default (score fusion, lexical weight 0.5), then the variants it was chosen from.
        PipelineSearcher hybrid = new PipelineSearcher("hybrid", "score", 0.5);
        List<Searcher> m = new ArrayList<>(List.of(new PipelineSearcher("dense", "score", 0.5),
                new PipelineSearcher("lexical", "score", 0.5), hybrid, new RecencySearcher(hybrid)));
        if (opts.fusions()) {
            m.add(new PipelineSearcher("hybrid", "score", 0.3));
            m.add(new PipelineSearcher("hybrid", "rrf", 1.0));
            m.add(new PipelineSearcher("hybrid", "rrf", 2.0));
        }
        return m;
    }

    private static boolean indexed(LocalPostgres pg) {
        try (Connection c = pg.connect(Pipeline.RAG_DB); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM ehrflow.chunk")) {
            return rs.next() && rs.getLong(1) > 0;
        } catch (Exception e) {
            return false;   // no database or no schema yet: a fresh data directory
        }
    }

    private static void ingest(LocalPostgres pg, BenchOptions opts, PrintStream out) throws Exception {
        out.println("== Indexing the corpus with the pipeline ==");
        Path work = Files.createTempDirectory("ehrflow-retrieval-bench-");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                Pipeline pipeline = Pipeline.start(KafkaSettings.of(kafka.bootstrapServers()), pg, work, 4, meters)) {
            CorpusIngest.run(pipeline, opts.corpus(), out);
        }
        // Model runs of the whole ingest (every re-emitted story included) against the rows it left.
        double computed = meters.find("ehrflow.sink.embeddings").tag("result", "computed").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
        double skipped = meters.find("ehrflow.sink.embeddings").tag("result", "skipped").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
        try (Connection c = pg.connect(Pipeline.RAG_DB); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT (patient_key, content_hash)) "
                        + "FROM ehrflow.chunk")) {
            rs.next();
            out.printf("  sink: %.0f model runs, %.0f vectors reused; %d rows, %d distinct texts per patient%n",
                    computed, skipped, rs.getLong(1), rs.getLong(2));
        } finally {
            try (var s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
