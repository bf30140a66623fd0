package org.ehrflow.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.ops.lag.PartitionLag;
import org.ehrflow.runtime.DeadLetters;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The long-running ops app against a real broker and PostgreSQL: a normaliser-group consumer that processed one
 * record and then paused, a sink whose offsets live in PostgreSQL, a DLQ record and an idle CDC slot.
 */
class OpsAppIT {

    /** A synthetic key: the check below proves keys never reach metric labels. */
    private static final String KEY = "pk_00000000000000000000000000c0ffee";

    @Test
    @Timeout(180)
    void exportsLagSecondsThatGrowWithTheTrueAgeOfThePausedConsumersOldestRecord() throws Exception {
        try (KafkaFixture kafka = KafkaFixture.start(); LocalPostgres pg = LocalPostgres.startTemporary()) {
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            TopicAdmin.ensureTopics(settings, 1, (short) 1);
            long[] stamps = produceThree(settings, Topics.RAW_HL7V2.name());
            produceThree(settings, Topics.CHUNKS.name());
            try (KafkaProducer<String, DeadLetter> dlq = new KafkaProducer<>(settings.clientProps(),
                    new StringSerializer(), Topics.dlq(Topics.APP_FHIR_NORMALIZER).valueSerde().serializer())) {
                dlq.send(DeadLetters.record(KEY, DeadLetters.of(Topics.APP_FHIR_NORMALIZER, "HL7_PARSE_ERROR", null,
                        Topics.RAW_HL7V2.name(), 0, 0, "MSG1", "not hl7".getBytes()))).get(30, TimeUnit.SECONDS);
            }
            try (KafkaConsumer<String, String> paused = processOneThenPause(settings)) {
                pg.createDatabase("rag");
                pg.createDatabase("ehr");
                prepareDatabases(pg);
                OpsConfig config = OpsConfig.defaults(settings).withInterval(Duration.ofSeconds(1))
                        .withSinkDatabase(pg.jdbcUrl("rag"), pg.superuser(), pg.superuserPassword())
                        .withEhrDatabase(pg.jdbcUrl("ehr"), pg.superuser(), pg.superuserPassword());
                PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                try (OpsApp app = OpsApp.start(config, registry)) {
                    long before = System.currentTimeMillis();
                    OpsSnapshot first = app.collector().measure();
                    long after = System.currentTimeMillis();
                    PartitionLag hl7 = hl7Lag(first);
                    assertThat(hl7.committedOffset()).isEqualTo(1);
                    assertThat(hl7.lagOffsets()).isEqualTo(2);
                    // Oldest unprocessed record is offset 1: its age at some moment of the measurement (bounded by
                    // the clock before and after it, so a slow, loaded machine cannot fail a correct figure).
                    assertAgeWithin(hl7.lagSeconds(), stamps[1], before, after);
                    Thread.sleep(2_000);
                    generateWal(pg);
                    long before2 = System.currentTimeMillis();
                    OpsSnapshot second = app.collector().measure();
                    long after2 = System.currentTimeMillis();
                    // It grew with the true age: the second figure is the age during the second measurement.
                    assertAgeWithin(hl7Lag(second).lagSeconds(), stamps[1], before2, after2);
                    assertThat(hl7Lag(second).lagSeconds() - hl7.lagSeconds()).isGreaterThanOrEqualTo(
                            (before2 - after) / 1000.0 - 0.1);

                    // The sink's position comes from ehrflow.sink_offset (next offset 2 of 3).
                    PartitionLag sink = second.lags().stream()
                            .filter(l -> l.stage().equals(Topics.APP_EMBEDDER_SINK)).findFirst().orElseThrow();
                    assertThat(sink.committedOffset()).isEqualTo(2);
                    assertThat(sink.lagOffsets()).isEqualTo(1);
                    // No stored position for the sink's secondary topic: not reported (no false lag).
                    assertThat(second.lags()).noneMatch(l -> l.stage().equals(Topics.APP_EMBEDDER_SINK)
                            && l.topic().equals(Topics.FHIR_RESOURCES.name()));

                    assertThat(second.dlqCounts().get(Topics.dlq(Topics.APP_FHIR_NORMALIZER).name()))
                            .containsEntry("HL7_PARSE_ERROR", 1L);
                    // The idle slot confirmed nothing since the WAL written above.
                    assertThat(second.slot().exists()).isTrue();
                    assertThat(second.slot().active()).isFalse();
                    assertThat(second.slot().lagBytes()).isPositive();
                    assertThat(second.slot().heartbeatAgeSeconds()).isCloseTo(30.0, within(5.0));

                    String scrape = registry.scrape();
                    assertThat(scrape).contains("ehrflow_lag_seconds{").contains("ehrflow_lag_offsets{")
                            .contains("ehrflow_dlq_records{").contains("reason=\"HL7_PARSE_ERROR\"")
                            .contains("ehrflow_ops_cdc_slot_lag_bytes{")
                                    .contains("ehrflow_ops_cdc_heartbeat_age_seconds{")
                            .contains("ehrflow_dlq_depth{");
                    assertThat(scrape).doesNotContain(KEY).doesNotContain("MSG1");

                    HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + app.statusPort() + "/")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(page.statusCode()).isEqualTo(200);
                    assertThat(page.body()).contains("<svg").contains(Topics.RAW_HL7V2.name())
                            .contains("HL7_PARSE_ERROR").contains("ehrflow_slot").doesNotContain(KEY);
                }
                paused.close();
            }
        }
    }

    private static PartitionLag hl7Lag(OpsSnapshot s) {
        return s.lags().stream().filter(l -> l.stage().equals(Topics.APP_FHIR_NORMALIZER)
                && l.topic().equals(Topics.RAW_HL7V2.name())).findFirst().orElseThrow();
    }

    /** Three records stamped now, 100 ms apart; returns their broker timestamps. */
    private static long[] produceThree(KafkaSettings settings, String topic) throws Exception {
        long[] stamps = new long[3];
        try (KafkaProducer<String, String> p = new KafkaProducer<>(settings.clientProps(), new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 3; i++) {
                RecordMetadata md = p.send(new ProducerRecord<>(topic, 0, KEY, "v" + i)).get(30, TimeUnit.SECONDS);
                stamps[i] = md.timestamp();
                Thread.sleep(100);
            }
        }
        return stamps;
    }

    /** A member of the normaliser's group that processes offset 0, commits, then pauses (stays in the group). */
    private static KafkaConsumer<String, String> processOneThenPause(KafkaSettings settings) {
        Properties p = settings.clientProps();
        p.put("group.id", Topics.APP_FHIR_NORMALIZER);
        p.put("enable.auto.commit", "false");
        p.put("auto.offset.reset", "earliest");
        p.put("max.poll.records", "1");
        KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        c.subscribe(List.of(Topics.RAW_HL7V2.name()));
        ConsumerRecords<String, String> got = ConsumerRecords.empty();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (got.isEmpty() && System.nanoTime() < deadline) {
            got = c.poll(Duration.ofMillis(200));
        }
        assertThat(got.count()).isEqualTo(1);
        TopicPartition tp = new TopicPartition(Topics.RAW_HL7V2.name(), 0);
        c.commitSync(Map.of(tp, new OffsetAndMetadata(1)));
        c.pause(c.assignment());
        return c;
    }

    /** The sink's offset table (as the sink creates it), an idle logical slot and a 30 s old heartbeat. */
    private static void prepareDatabases(LocalPostgres pg) throws Exception {
        try (Connection c = pg.connect("rag"); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA ehrflow");
            st.execute("CREATE TABLE ehrflow.sink_offset (consumer_group text NOT NULL, topic text NOT NULL,"
                    + " partition integer NOT NULL, next_offset bigint NOT NULL,"
                    + " PRIMARY KEY (consumer_group, topic, partition))");
            st.execute("INSERT INTO ehrflow.sink_offset VALUES ('embedder-sink', 'ehr.chunked.chunk-set.v1', 0, 2)");
        }
        try (Connection c = pg.connect("ehr"); Statement st = c.createStatement()) {
            st.execute("SELECT pg_create_logical_replication_slot('ehrflow_slot', 'pgoutput')");
            st.execute("CREATE SCHEMA ehr");
            st.execute("CREATE TABLE ehr.cdc_heartbeat (id integer PRIMARY KEY, ts timestamptz NOT NULL)");
            st.execute("INSERT INTO ehr.cdc_heartbeat VALUES (1, now() - interval '30 seconds')");
        }
    }

    private static void generateWal(LocalPostgres pg) throws Exception {
        try (Connection c = pg.connect("ehr"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS ehr.filler (n integer)");
            st.execute("INSERT INTO ehr.filler SELECT generate_series(1, 1000)");
        }
    }

    /** {@code seconds} is the age of a record stamped {@code stamp} at a moment in [before, after] (100 ms slack). */
    private static void assertAgeWithin(double seconds, long stamp, long before, long after) {
        assertThat(seconds).isBetween((before - stamp) / 1000.0 - 0.1, (after - stamp) / 1000.0 + 0.1);
    }
}
