package org.ehrflow.sink.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ehrflow.embedding.Embedder;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.schemas.Chunk;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.Topics;
import org.ehrflow.sink.Fixtures;
import org.ehrflow.sink.consume.BatchProcessor;
import org.ehrflow.sink.consume.Retrier;
import org.ehrflow.sink.consume.SinkMetrics;
import org.ehrflow.sink.embed.ModelRoles;
import org.ehrflow.sink.error.DlqPublisher;
import org.ehrflow.sink.store.ChunkColumns;
import org.ehrflow.sink.store.Migrations;
import org.ehrflow.sink.store.OffsetStore;
import org.ehrflow.sink.store.PgSession;

/**
 * Sink write throughput without the model: the production {@link BatchProcessor} (decode + schema validation,
 * stored-vector lookup, replace, watermarks, source events, offsets, one commit per batch) with an embedder that
 * returns precomputed vectors, against a raw batched INSERT of the same rows into the same table, alternating in
 * one run. Usage (from the repository root):
 * {@code mvn -o -q -pl embedder-sink test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.ehrflow.sink.bench.SinkWriteBenchmark -Dexec.args="<sets> <chunks per set> <rounds>"}.
 */
public final class SinkWriteBenchmark {

    private static final int BATCH = 256;

    private SinkWriteBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int sets = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        int perSet = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        // V9's GIN index (patient_key, lex) costs on every write: this option measures the write path without it.
        boolean withoutLexicalIndex = args.length > 3 && args[3].equals("--without-lexical-index");
        try (LocalPostgres pg = LocalPostgres.startTemporary()) {
            pg.createDatabase("bench");
            String url = pg.jdbcUrl("bench");
            Migrations.run(url, pg.superuser(), pg.superuserPassword());
            if (withoutLexicalIndex) {
                try (var c = DriverManager.getConnection(url, pg.superuser(), pg.superuserPassword().value());
                        var st = c.createStatement()) {
                    st.execute("DROP INDEX ehrflow.chunk_patient_lex_idx");
                }
                System.out.println("(without the V9 lexical index)");
            }
            ModelRoles.register(url, pg.superuser(), pg.superuserPassword(),
                    List.of(new FixedEmbedder(new float[384])));
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            List<ChunkSet> all = new ArrayList<>();
            for (int i = 0; i < sets; i++) {
                String key = PatientKey.of("urn:bench", "P" + (i % 500)); // 500 synthetic patients
                String[] texts = new String[perSet];
                for (int j = 0; j < perSet; j++) {
                    texts[j] = "Synthetic chunk " + j + " of set " + i + ": observation within the reference range, "
                            + "no change since the previous visit, plan unchanged.";
                }
                ChunkSet s = Fixtures.upsert(key, "DocumentReference/b-" + i, texts);
                all.add(s);
                records.add(new ConsumerRecord<>(Topics.CHUNKS.name(), 0, i, key, Fixtures.bytes(s)));
            }
            float[] vector = new float[384];
            Random rnd = new Random(7);
            for (int i = 0; i < vector.length; i++) {
                vector[i] = rnd.nextFloat() - 0.5f;
            }
            for (int w = 0; w < 3; w++) {
                long d0 = System.nanoTime();
                for (ConsumerRecord<String, byte[]> r : records) {
                    org.ehrflow.sink.consume.ChunkSetDecoder.decode(r.key(), r.value());
                }
                double full = records.size() / ((System.nanoTime() - d0) / 1e9);
                long j0 = System.nanoTime();
                for (ConsumerRecord<String, byte[]> r : records) {
                    Topics.CHUNKS.valueSerde().deserializer().deserialize(Topics.CHUNKS.name(), r.value());
                }
                System.out.printf(Locale.ROOT, "decode alone: %.0f records/s (Jackson only: %.0f records/s)%n", full,
                        records.size() / ((System.nanoTime() - j0) / 1e9));
            }
            List<Double> sink = new ArrayList<>();
            List<Double> raw = new ArrayList<>();
            long rows = (long) sets * perSet;
            // Two unmeasured rounds of each side first, so both are measured with their code compiled (JIT).
            for (int w = 0; w < 2; w++) {
                truncate(pg, url);
                sinkRun(url, pg, records, vector);
                truncate(pg, url);
                rawRun(url, pg, all, vector);
            }
            System.out.println("(2 warm-up rounds of each side done)");
            for (int r = 0; r < rounds; r++) {
                truncate(pg, url);
                sink.add(rows / sinkRun(url, pg, records, vector));
                truncate(pg, url);
                raw.add(rows / rawRun(url, pg, all, vector));
                System.out.printf(Locale.ROOT, "round %d: sink %.0f rows/s, raw INSERT %.0f rows/s, ratio %.2f%n", r
                        + 1,
                        sink.get(r), raw.get(r), sink.get(r) / raw.get(r));
            }
            double ms = median(sink);
            double mr = median(raw);
            System.out.printf(Locale.ROOT, "%d sets x %d chunks, batch %d, %d rounds: median sink %.0f rows/s, "
                    + "median raw INSERT %.0f rows/s, ratio of medians %.2f%n", sets, perSet, BATCH, rounds, ms, mr,
                    ms / mr);
        }
    }

    /** Seconds the production batch processor takes for every record, in batches of {@link #BATCH}. */
    private static double sinkRun(String url, LocalPostgres pg, List<ConsumerRecord<String, byte[]>> records,
            float[] vector) {
        try (PgSession session = new PgSession(url, pg.superuser(), pg.superuserPassword())) {
            MockProducer<String, DeadLetter> mock = new MockProducer<>(true, new StringSerializer(),
                    Topics.dlq(Topics.APP_EMBEDDER_SINK).valueSerde().serializer());
            Retrier retrier = new Retrier(session, Duration.ofMillis(100), Duration.ofSeconds(1), () -> true, ()
                    -> { });
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            BatchProcessor p = new BatchProcessor(session, new OffsetStore("bench"), new FixedEmbedder(vector),
                    new DlqPublisher(mock), retrier, new SinkMetrics(registry));
            // A fresh offset table (truncated): the partition starts with no stored row, as on a first assignment.
            p.assigned(List.of(new TopicPartition(Topics.CHUNKS.name(), 0)), Map.of());
            long t0 = System.nanoTime();
            for (int from = 0; from < records.size(); from += BATCH) {
                p.process(records.subList(from, Math.min(records.size(), from + BATCH)));
            }
            double total = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "  sink: %.2f s total, of which write transactions %.2f s%n", total,
                    registry.get("ehrflow.sink.transaction.time").timer().totalTime(TimeUnit.SECONDS));
            return total;
        }
    }

    /** Seconds a plain batched INSERT of the same rows takes, one transaction per {@link #BATCH} sets. */
    private static double rawRun(String url, LocalPostgres pg, List<ChunkSet> sets, float[] vector) throws Exception {
        try (PgSession session = new PgSession(url, pg.superuser(), pg.superuserPassword())) {
            Connection c = session.get();
            // The V1 columns up to the vector, generated and bound by the sink's own column description.
            List<ChunkColumns.Column> columns = ChunkColumns.BASE.subList(0, 24);
            String sql = ChunkColumns.insert(columns);
            long t0 = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int from = 0; from < sets.size(); from += BATCH) {
                    for (ChunkSet s : sets.subList(from, Math.min(sets.size(), from + BATCH))) {
                        for (Chunk ch : s.chunks()) {
                            ChunkColumns.bind(ps, columns, new ChunkColumns.Row(c, s, ch, vector, "bench", null, null));
                            ps.addBatch();
                        }
                    }
                    ps.executeBatch();
                    c.commit();
                }
            }
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    private static void truncate(LocalPostgres pg, String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url, pg.superuser(), pg.superuserPassword().value());
                Statement st = c.createStatement()) {
            st.execute("TRUNCATE ehrflow.chunk, ehrflow.patient_watermark, ehrflow.source_event, ehrflow.sink_offset");
            st.execute("VACUUM ANALYZE ehrflow.chunk");
        }
    }

    private static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    /** The model's cost removed: every text gets the same precomputed vector. */
    private record FixedEmbedder(float[] vector) implements Embedder {
        @Override
        public List<float[]> embed(List<String> texts) {
            List<float[]> out = new ArrayList<>(texts.size());
            texts.forEach(t -> out.add(Arrays.copyOf(vector, vector.length)));
            return out;
        }

        @Override
        public String modelName() {
            return "bench";
        }

        @Override
        public int dimensions() {
            return vector.length;
        }

        @Override
        public void close() {
        }
    }
}
