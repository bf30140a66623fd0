package org.ehrflow.demo.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ehrflow.demo.DrainWatcher;
import org.ehrflow.pipeline.Pipeline;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.embedding.OnnxEmbedder;
import org.ehrflow.mllp.MllpClient;
import org.ehrflow.localstack.EmbeddedKafka;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.OpsEndpoint;

/**
 * End-to-end load driver (loopback only, bounded in count and time). Phase 0 (warm-up, not measured): W notes of
 * other patients, drained, so the JIT has compiled every stage's code before the burst (the baseline below gets
 * its warm-up too; a long-running pipeline is measured, not its first seconds). Phase 1 (burst): N synthetic MDM^T02
 * notes
 * over MLLP as fast as ACKs come back; reports end-to-end chunks/s (first accept to last row committed) and, on
 * the very same chunk texts in the same run, the embedding-only rate of the same model and batch size: the
 * ratio is the pipeline's overhead over pure inference. Phase 2 (paced): one note every {@code paceMs}, reporting
 * freshness (accepted to committed) p50/p99 when the pipeline is not saturated.
 *
 * <p>Usage: {@code LoadDriver [burstNotes=300] [pacedNotes=40] [paceMs=250] [warmUpNotes=60]}
 */
public final class LoadDriver {

    private LoadDriver() {
    }

    public static void main(String[] args) throws Exception {
        int burst = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int paced = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int paceMs = args.length > 2 ? Integer.parseInt(args[2]) : 250;
        int warm = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        PrintStream out = System.out;
        Path work = Files.createTempDirectory("ehrflow-load-");
        try (LocalPostgres pg = LocalPostgres.startTemporary();
                EmbeddedKafka kafka = EmbeddedKafka.start();
                OpsEndpoint ops = OpsEndpoint.start("ehrflow-load", "127.0.0.1", 0);
                Pipeline pipeline = Pipeline.start(KafkaSettings.of(kafka.bootstrapServers()), pg, work, 4,
                        ops.registry());
                Connection rag = pg.connect(Pipeline.RAG_DB)) {
            SyntheticNotes notes = new SyntheticNotes(42);
            DrainWatcher drain = new DrainWatcher(pipeline, new PrintStream(PrintStream.nullOutputStream()));

            try (MllpClient client = MllpClient.connect("127.0.0.1", pipeline.mllpPort(), Duration.ofSeconds(30))) {
                for (int i = 0; i < warm; i++) {
                    requireAa(client.send(notes.mdm(200_000 + i, 1500 + i % 20)));
                }
            }
            drain.awaitDrained(Duration.ofSeconds(2), Duration.ofMinutes(10));

            System.err.println("phase: burst starts"); // markers for external CPU accounting (scripts/cpu-by-thread)
            double embeddedBefore = computed(ops);
            try (MllpClient client = MllpClient.connect("127.0.0.1", pipeline.mllpPort(), Duration.ofSeconds(30))) {
                for (int i = 0; i < burst; i++) {
                    requireAa(client.send(notes.mdm(i, i % 50)));
                }
            }
            drain.awaitDrained(Duration.ofSeconds(2), Duration.ofMinutes(10));
            System.err.println("phase: burst drained");
            double embeddedInBurst = computed(ops) - embeddedBefore;
            Phase burstPhase = phase(rag, 0, 50);
            double embedOnly = embeddingOnlyRate(rag, 0, 50);

            try (MllpClient client = MllpClient.connect("127.0.0.1", pipeline.mllpPort(), Duration.ofSeconds(30))) {
                for (int i = 0; i < paced; i++) {
                    requireAa(client.send(notes.mdm(100_000 + i, 1000 + i % 10)));
                    Thread.sleep(paceMs);
                }
            }
            drain.awaitDrained(Duration.ofSeconds(2), Duration.ofMinutes(5));
            Phase pacedPhase = phase(rag, 1000, 1010);

            out.printf(Locale.ROOT, "warm-up: %d notes (not measured)%n", warm);
            out.printf(Locale.ROOT, "burst: %d notes -> %d chunks in %.2f s = %.1f chunks/s end to end%n", burst,
                    burstPhase.rows, burstPhase.seconds, burstPhase.rows / burstPhase.seconds);
            out.printf(Locale.ROOT, "the sink ran the model on %.0f texts during the burst (%.2f per stored row: "
                    + "unchanged texts, such as the Patient every message repeats, keep their stored vector; "
                    + "changed aggregates are embedded again)%n", embeddedInBurst, embeddedInBurst / burstPhase.rows);
            out.printf(Locale.ROOT, "embedding only (same %d chunk texts, same model and embedder settings as the sink): %.1f chunks/s%n",
                    burstPhase.rows, embedOnly);
            out.printf(Locale.ROOT, "ratio end-to-end / embedding-only: %.2f (stored rows per second)%n",
                    (burstPhase.rows / burstPhase.seconds) / embedOnly);
            // Rows whose text was already stored were not embedded again: the stricter ratio counts model runs.
            out.printf(Locale.ROOT, "ratio of model runs per second in the pipeline / embedding-only: %.2f%n",
                    (embeddedInBurst / burstPhase.seconds) / embedOnly);
            out.printf(Locale.ROOT,
                    "burst freshness (accepted -> committed, includes queueing): p50 %.0f ms, p99 %.0f ms%n",
                    burstPhase.p50 * 1000, burstPhase.p99 * 1000);
            out.printf(Locale.ROOT,
                    "paced: %d notes, one per %d ms -> freshness p50 %.0f ms, p99 %.0f ms (%d chunks)%n",
                    paced, paceMs, pacedPhase.p50 * 1000, pacedPhase.p99 * 1000, pacedPhase.rows);
        }
    }

    private static double computed(OpsEndpoint ops) {
        io.micrometer.core.instrument.Counter c = ops.registry().find("ehrflow.sink.embeddings")
                .tag("result", "computed").counter();
        return c == null ? 0 : c.count();
    }

    private record Phase(long rows, double seconds, double p50, double p99) {
    }

    /** Rows of patients LOAD-{@code from} .. LOAD-{@code to - 1}. */
    private static String patients(int from, int to) {
        return """
                patient_key IN (SELECT ehrflow.patient_key('http://hospital.example.org/mrn', 'LOAD-' || g)
                                FROM generate_series(%d, %d) g)""".formatted(from, to - 1);
    }

    private static Phase phase(Connection rag, int from, int to) throws Exception {
        String sql = """
                SELECT count(*), extract(epoch FROM max(indexed_at) - min(ingest_time)),
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM indexed_at - ingest_time)),
                  percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM indexed_at - ingest_time))
                FROM ehrflow.chunk WHERE\s""" + patients(from, to);
        try (Statement st = rag.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return new Phase(rs.getLong(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4));
        }
    }

    /** Embeds the stored chunk texts again, outside the pipeline, with the sink's model and embedder defaults. */
    private static double embeddingOnlyRate(Connection rag, int from, int to) throws Exception {
        List<String> texts = new ArrayList<>();
        try (Statement st = rag.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT text FROM ehrflow.chunk WHERE " + patients(from, to) + " ORDER BY chunk_id")) {
            while (rs.next()) {
                texts.add(rs.getString(1));
            }
        }
        try (OnnxEmbedder embedder = OnnxEmbedder.load(ModelVariant.INT8)) {
            embedder.embed(texts.subList(0, Math.min(64, texts.size()))); // warm-up
            long t0 = System.nanoTime();
            for (int i = 0; i < texts.size(); i += 64) {
                embedder.embed(texts.subList(i, Math.min(texts.size(), i + 64)));
            }
            return texts.size() / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static void requireAa(String ack) {
        if (!"AA".equals(MllpClient.ackCode(ack))) {
            throw new IllegalStateException("expected AA, got " + MllpClient.ackCode(ack));
        }
    }
}
