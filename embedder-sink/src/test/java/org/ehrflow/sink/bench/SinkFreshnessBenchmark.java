package org.ehrflow.sink.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.embedding.OnnxEmbedder;
import org.ehrflow.localstack.EmbeddedKafka;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.Topics;
import org.ehrflow.sink.Fixtures;
import org.ehrflow.sink.SinkApp;
import org.ehrflow.sink.SinkConfig;

/**
 * End-to-end sink driver (real broker, PostgreSQL, INT8 model): first measures saturation (a backlog of new
 * one-chunk sets, chunks committed per second), then offers half that rate for a fixed time and reports
 * freshness (ingest time to commit, from the rows: {@code indexed_at - ingest_time}) p50/p99. Usage:
 * {@code mvn -o -q -pl embedder-sink org.codehaus.mojo:exec-maven-plugin:3.5.0:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.ehrflow.sink.bench.SinkFreshnessBenchmark -Dexec.args="<backlog sets> <seconds at half rate>"}.
 */
public final class SinkFreshnessBenchmark {

    private SinkFreshnessBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int backlog = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        try (LocalPostgres pg = LocalPostgres.startTemporary(); EmbeddedKafka kafka = EmbeddedKafka.start();
                OnnxEmbedder embedder = OnnxEmbedder.load(ModelVariant.INT8)) {
            pg.createDatabase("bench");
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            TopicAdmin.ensureTopics(settings, 2, (short) 1);
            SinkConfig config = SinkConfig.defaults(settings, pg.jdbcUrl("bench"), pg.superuser(),
                    pg.superuserPassword());
            Properties p = settings.clientProps();
            p.put("acks", "all");
            p.put("linger.ms", "0");
            try (SinkApp app = SinkApp.start(config, new SimpleMeterRegistry(), embedder);
                    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                            new ByteArraySerializer());
                    Connection db = pg.connect("bench")) {
                // Warm-up (model, JIT, connections), not measured.
                send(producer, 0, 20);
                await(db, 20);
                long t0 = System.nanoTime();
                send(producer, 20, backlog);
                await(db, 20 + backlog);
                double saturation = backlog / ((System.nanoTime() - t0) / 1e9);
                System.out.printf(Locale.ROOT, "saturation: %d one-chunk sets in backlog, %.1f chunks/s%n", backlog,
                        saturation);
                double rate = saturation / 2;
                int n = (int) (rate * seconds);
                long start = System.nanoTime();
                int first = 20 + backlog;
                for (int i = 0; i < n; i++) {
                    long due = start + (long) (i * 1e9 / rate);
                    while (System.nanoTime() < due) {
                        Thread.sleep(1);
                    }
                    send(producer, first + i, 1);
                }
                await(db, first + n);
                try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("""
                        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM indexed_at - ingest_time)),
                               percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM indexed_at - ingest_time)),
                               count(*)
                        FROM ehrflow.chunk WHERE chunk_index = 0 AND source_id >= 'Observation/f-' AND
                             split_part(source_id, '-', 2)::int >= """ + first)) {
                    rs.next();
                    System.out.printf(Locale.ROOT, "half rate %.1f chunks/s for %d s (%d sets): freshness p50 %.0f ms, "
                            + "p99 %.0f ms%n", rate, seconds, rs.getLong(3), rs.getDouble(1) * 1000,
                            rs.getDouble(2) * 1000);
                }
            }
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, int from, int count) throws Exception {
        for (int i = from; i < from + count; i++) {
            String key = PatientKey.of("urn:bench", "P" + (i % 50));
            ChunkSet s = Fixtures.upsert(key, "Observation/f-" + i, "Observation " + i + ": blood pressure 12"
                    + (i % 10)
                    + "/8" + (i % 7) + " mmHg, heart rate " + (60 + i % 30) + ", patient comfortable, plan unchanged.");
            producer.send(new ProducerRecord<>(Topics.CHUNKS.name(), key, Fixtures.bytes(s)));
        }
        producer.flush();
    }

    private static void await(Connection db, int sets) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT count(*) FROM ehrflow.chunk")) {
                rs.next();
                if (rs.getLong(1) >= sets) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("sink did not catch up");
    }
}
