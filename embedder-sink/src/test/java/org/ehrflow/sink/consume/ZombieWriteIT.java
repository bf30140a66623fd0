package org.ehrflow.sink.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ehrflow.sink.embed.ModelRoles;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.embedding.OnnxEmbedder;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.RecordOp;
import org.ehrflow.schemas.Topics;
import org.ehrflow.sink.Fixtures;
import org.ehrflow.sink.error.DlqPublisher;
import org.ehrflow.sink.store.Migrations;
import org.ehrflow.sink.store.OffsetStore;
import org.ehrflow.sink.store.PgSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two sinks believe they own one partition: the new owner after a rebalance, and the old one that has not polled
 * since (a session timeout or a broker restart it has not noticed yet) with a batch in hand. The old sink's batch is
 * older than what the new owner already committed; it must not land, or the store goes back to older versions of
 * the same resources while the stored offset goes backwards (the chaos trial's "source_record differs from a
 * replay"). Real PostgreSQL; the records are what a consumer would have handed over.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ZombieWriteIT {

    private static final String DB = "rag";
    private static final TopicPartition TP = new TopicPartition(Topics.FHIR_RESOURCES.name(), 0);

    private static LocalPostgres pg;
    private static OnnxEmbedder embedder;
    private static KafkaProducer<String, org.ehrflow.schemas.DeadLetter> dlqProducer;

    @BeforeAll
    static void start() throws Exception {
        pg = LocalPostgres.startTemporary();
        pg.requireVector();
        pg.createDatabase(DB);
        Migrations.run(pg.jdbcUrl(DB), pg.superuser(), pg.superuserPassword());
        embedder = OnnxEmbedder.load(ModelVariant.INT8);
        ModelRoles.register(pg.jdbcUrl(DB), pg.superuser(), pg.superuserPassword(), List.of(embedder));
        Properties p = new Properties();
        p.put("bootstrap.servers", "127.0.0.1:9"); // never sent to: every record here is valid
        dlqProducer = new KafkaProducer<>(p, new StringSerializer(),
                Topics.dlq(Topics.APP_EMBEDDER_SINK).valueSerde().serializer());
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {dlqProducer, embedder, pg}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void aSinkThatLostItsPartitionCannotCommitAnOlderBatchOverTheNewOwners() throws Exception {
        String key = Fixtures.PATIENT_A;
        ConsumerRecord<String, byte[]> v1 = record(0, version(key, "1", "\"value\": 5.1"));
        ConsumerRecord<String, byte[]> v2 = record(1, version(key, "2", "\"value\": 6.4"));
        ConsumerRecord<String, byte[]> v3 = record(2, version(key, "3", "\"value\": 7.9"));
        try (PgSession oldSession = session(); PgSession newSession = session()) {
            BatchProcessor old = processor(oldSession);
            old.guard().assigned(List.of(TP), Map.of());
            assertThat(old.process(List.of(v1))).containsEntry(TP, 1L);
            // The old owner has v2 in hand when the group moves the partition: the new owner starts from the
            // stored offset and commits v2 and v3 before the old one, on its connection, gets to write.
            BatchProcessor owner = processor(newSession);
            owner.guard().assigned(List.of(TP), Map.of(TP, 1L));
            assertThat(owner.process(List.of(v2, v3))).containsEntry(TP, 3L);

            assertThatThrownBy(() -> old.process(List.of(v2)))
                    .isInstanceOf(PositionGuard.DivergedException.class)
                    .satisfies(e -> assertThat(((PositionGuard.DivergedException) e).stored()).containsEntry(TP, 3L));
        }
        assertThat(one("SELECT version_id FROM ehrflow.source_record WHERE patient_key = '" + key + "'"))
                .as("the newer version stays").isEqualTo("3");
        assertThat(one("SELECT next_offset::text FROM ehrflow.sink_offset WHERE partition = 0"))
                .as("offsets never go back").isEqualTo("3");
    }

    @Test
    void aSinkWhoseStoredOffsetMovedUnderItOnTheSameConnectionSeeksInsteadOfWriting() throws Exception {
        String key = Fixtures.PATIENT_B;
        TopicPartition tp = new TopicPartition(Topics.FHIR_RESOURCES.name(), 1);
        try (PgSession s = session()) {
            BatchProcessor sink = processor(s);
            sink.guard().assigned(List.of(tp), Map.of());
            sink.process(List.of(record(tp, 0, version(key, "1", "\"value\": 1"))));
            // Another writer moved the partition on (a restored backup, a second sink): this connection is the
            // same, so only the compare-and-set of the next write can notice.
            try (Connection c = pg.connect(DB); Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE ehrflow.sink_offset SET next_offset = 5 WHERE partition = 1");
            }
            assertThatThrownBy(() -> sink.process(List.of(record(tp, 1, version(key, "2", "\"value\": 2")))))
                    .isInstanceOf(PositionGuard.DivergedException.class);
        }
        assertThat(one("SELECT version_id FROM ehrflow.source_record WHERE patient_key = '" + key + "'"))
                .as("the rejected batch left nothing").isEqualTo("1");
    }

    private static FhirRecord version(String key, String version, String value) {
        String json = "{\"resourceType\": \"Observation\", \"id\": \"z\", \"status\": \"final\", " + value + "}";
        return new FhirRecord(key, RecordOp.UPSERT, "Observation", "z", version, null, json,
                Fixtures.provenance("Observation/z"));
    }

    private static ConsumerRecord<String, byte[]> record(long offset, FhirRecord r) {
        return record(TP, offset, r);
    }

    private static ConsumerRecord<String, byte[]> record(TopicPartition tp, long offset, FhirRecord r) {
        return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, r.patientKey(), Fixtures.bytes(r));
    }

    private static PgSession session() {
        return new PgSession(pg.jdbcUrl(DB), pg.superuser(), pg.superuserPassword());
    }

    private static BatchProcessor processor(PgSession s) {
        Retrier retrier = new Retrier(s, Duration.ofMillis(10), Duration.ofMillis(50), () -> true, () -> { });
        return new BatchProcessor(s, new OffsetStore(Topics.APP_EMBEDDER_SINK), embedder,
                new DlqPublisher(dlqProducer), retrier, new SinkMetrics(new SimpleMeterRegistry()));
    }

    private static String one(String sql) throws SQLException {
        try (Connection c = pg.connect(DB); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }
}
