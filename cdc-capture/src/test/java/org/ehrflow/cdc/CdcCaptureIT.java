package org.ehrflow.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.ehrflow.ehrsim.EhrSchema;
import org.ehrflow.ehrsim.EhrWriter;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.schemas.Json;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.SchemaValidator;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Real PostgreSQL (wal_level=logical) and a real broker: snapshot, streaming, stop and resume. */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class CdcCaptureIT {

    private static final Logger LOG = LoggerFactory.getLogger(CdcCaptureIT.class);
    private static final int PARTITIONS = 3;
    private static LocalPostgres pg;
    private static KafkaFixture kafka;
    private static Secret cdcPassword;

    private final List<ConsumerRecord<String, byte[]>> raw = new ArrayList<>();

    @BeforeAll
    static void startStack() {
        pg = LocalPostgres.startTemporary();
        pg.createDatabase("ehr");
        byte[] pw = new byte[16];
        ThreadLocalRandom.current().nextBytes(pw);
        cdcPassword = new Secret(HexFormat.of().formatHex(pw));
        assertThat(EhrSchema.migrate(pg.jdbcUrl("ehr"), pg.superuser(), pg.superuserPassword(), cdcPassword))
                .isEqualTo(4);
        kafka = KafkaFixture.start();
        TopicAdmin.ensureTopics(KafkaSettings.of(kafka.bootstrapServers()), PARTITIONS, (short) 1);
    }

    @AfterAll
    static void stopStack() {
        if (kafka != null) {
            kafka.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void snapshotThenChangesThenResumeAfterRestartWithoutGapsOrDuplicates() throws Exception {
        CdcConfig d = CdcConfig.defaults(KafkaSettings.of(kafka.bootstrapServers()), pg.host(), pg.port(),
                cdcPassword);
        // Heartbeats every 300 ms, so the test sees the action query run under the capture role's grants.
        CdcConfig config = d.withIntervals(Duration.ofMillis(300), d.pollInterval());
        try (EhrWriter ehr = new EhrWriter(pg.jdbcUrl("ehr"), pg.superuser(), pg.superuserPassword());
                KafkaConsumer<String, byte[]> consumer = rawConsumer()) {
            // Synthetic patient and encounter that exist before capture starts: they come from the snapshot.
            long patient = ehr.insertPatient("MRN-SYN-0001", "Testperson", "Alex", LocalDate.of(1980, 1, 2), "unknown");
            long encounter = ehr.insertEncounter(patient, "V-SYN-0001", "outpatient", "finished", "Synthetic visit",
                    Instant.parse("2026-01-02T03:04:05.123456Z"));
            String key = "ehr-patient:" + patient;

            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            long note;
            try (CdcCaptureApp app = CdcCaptureApp.start(config, registry)) {
                JsonNode snapPatient = awaitEvent(consumer, "patients", "r", patient);
                assertThat(snapPatient.at("/after/mrn").asText()).isEqualTo("MRN-SYN-0001");
                assertThat(snapPatient.at("/after/birth_date").asLong())          // date: days since epoch
                        .isEqualTo(LocalDate.of(1980, 1, 2).toEpochDay());
                assertThat(snapPatient.at("/source/snapshot").asText()).isNotEqualTo("false");
                JsonNode snapEncounter = awaitEvent(consumer, "encounters", "r", encounter);
                assertThat(snapEncounter.at("/after/patient_id").asLong()).isEqualTo(patient);
                assertThat(snapEncounter.at("/after/started_at").asText())   // timestamptz: ISO-8601 UTC
                        .isEqualTo("2026-01-02T03:04:05.123456Z");

                note = ehr.insertNote(patient, encounter, "Progress note", "Dr Synthetic",
                        Instant.parse("2026-01-03T10:00:00Z"), "Synthetic note, first version.");
                ehr.updateNoteBody(note, "Synthetic note, amended.");
                ehr.deleteNote(note);

                JsonNode created = awaitEvent(consumer, "notes", "c", note);
                assertThat(created.at("/after/body").asText()).isEqualTo("Synthetic note, first version.");
                assertThat(created.at("/after/encounter_id").asLong()).isEqualTo(encounter);
                assertThat(created.get("before").isNull()).isTrue();
                JsonNode updated = awaitEvent(consumer, "notes", "u", note);
                assertThat(updated.at("/before/body").asText()).isEqualTo("Synthetic note, first version.");
                assertThat(updated.at("/after/status").asText()).isEqualTo("amended");
                JsonNode deleted = awaitEvent(consumer, "notes", "d", note);
                assertThat(deleted.get("after").isNull()).isTrue();
                assertThat(deleted.at("/before/patient_id").asLong()).isEqualTo(patient); // REPLICA IDENTITY FULL
                assertThat(app.isRunning()).isTrue();
                assertThat(registry.get("ehrflow.cdc.events").tag("table", "ehr.notes").tag("op", "d").counter()
                        .count()).isEqualTo(1);
                await("heartbeat records, acknowledged but not published").atMost(Duration.ofSeconds(10))
                        .until(() -> registry.find("ehrflow.cdc.skipped").tag("kind", "heartbeat").counter() != null
                                && heartbeatWrites() > 0);
                // While running, acknowledged changes are confirmed to the slot (offset commit -> flush LSN), so
                // PostgreSQL may recycle their WAL. After a stop the last confirmation can still be in flight;
                // correctness after a restart rests on the stored offsets, asserted below.
                long lastLsn = deleted.at("/source/lsn").asLong();
                await("acknowledged changes confirmed to the slot").atMost(Duration.ofSeconds(45))
                        .until(() -> confirmedFlushLsn() >= lastLsn);
                Timer lag = registry.get("ehrflow.cdc.capture.lag").timer();
                Timer produce = registry.get("ehrflow.cdc.produce.latency").timer();
                LOG.info("capture lag (source commit -> broker ack) over {} events: mean {} ms, max {} ms;"
                        + " produce latency over {} batches: mean {} ms", lag.count(),
                        (long) lag.mean(TimeUnit.MILLISECONDS), (long) lag.max(TimeUnit.MILLISECONDS),
                        produce.count(), (long) produce.mean(TimeUnit.MILLISECONDS));
            }
            int beforeRestart = raw.size();
            assertThat(slotCount()).as("the slot survives a normal stop").isEqualTo(1);

            // Written while capture is down: the slot keeps it, the committed offsets say where to resume.
            long whileDown = ehr.insertNote(patient, null, "Discharge summary", "Dr Synthetic",
                    Instant.parse("2026-01-04T10:00:00Z"), "Synthetic note written during the outage.");
            try (CdcCaptureApp app = CdcCaptureApp.start(config, new SimpleMeterRegistry())) {
                awaitEvent(consumer, "notes", "c", whileDown);
                // Streaming latency, one committed insert at a time: commit -> visible to a consumer.
                List<Long> millis = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    long t0 = System.nanoTime();
                    long later = ehr.insertNote(patient, null, "Progress note", "Dr Synthetic",
                            Instant.parse("2026-01-05T10:00:00Z"), "Synthetic note after the restart " + i + ".");
                    awaitEvent(consumer, "notes", "c", later);
                    millis.add((System.nanoTime() - t0) / 1_000_000);
                }
                LOG.info("insert -> consumed latency over {} single-row commits (ms, sorted): {}", millis.size(),
                        millis.stream().sorted().toList());
            }
            drain(consumer, Duration.ofSeconds(1));

            List<String> ids = raw.stream().map(r -> rawMessage(r).provenance().sourceMessageId()).toList();
            assertThat(ids).as("no event twice, no snapshot again after the restart").doesNotHaveDuplicates();
            assertThat(raw.subList(beforeRestart, raw.size())).hasSize(11);
            assertThat(raw).allSatisfy(r -> {
                assertThat(r.key()).isEqualTo(key);
                assertThat(SchemaValidator.problems(Topics.RAW_CDC, r.value())).isEmpty();
            });
            // One key, one partition: the patient's changes stay in order.
            assertThat(raw).extracting(ConsumerRecord::partition).containsOnly(raw.get(0).partition());
        }
        assertCaptureRoleIsNotSuperuser();
    }

    private JsonNode awaitEvent(KafkaConsumer<String, byte[]> consumer, String table, String op, long rowId) {
        return await("ehr." + table + " op " + op + " of row " + rowId).atMost(Duration.ofSeconds(45))
                .pollInterval(Duration.ZERO)
                .until(() -> {
                    drain(consumer, Duration.ofMillis(200));
                    return raw.stream().map(CdcCaptureIT::payload)
                            .filter(p -> p.at("/source/table").asText().equals(table)
                                    && p.path("op").asText().equals(op)
                                    && (p.at("/after/id").asLong() == rowId || p.at("/before/id").asLong() == rowId))
                            .findFirst().orElse(null);
                }, p -> p != null);
    }

    private void drain(KafkaConsumer<String, byte[]> consumer, Duration wait) {
        consumer.poll(wait).forEach(raw::add);
    }

    private static RawMessage rawMessage(ConsumerRecord<String, byte[]> r) {
        return Topics.RAW_CDC.valueSerde().deserializer().deserialize(r.topic(), r.value());
    }

    private static JsonNode payload(ConsumerRecord<String, byte[]> r) {
        try {
            return Json.MAPPER.readTree(rawMessage(r).payload());
        } catch (IOException e) {
            throw new AssertionError("payload is not JSON", e);
        }
    }

    private static KafkaConsumer<String, byte[]> rawConsumer() {
        Properties p = KafkaSettings.of(kafka.bootstrapServers()).clientProps();
        p.put("group.id", "cdc-it-" + UUID.randomUUID());
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        for (int i = 0; i < PARTITIONS; i++) {
            parts.add(new TopicPartition(Topics.RAW_CDC.name(), i));
        }
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
    }

    private static int slotCount() throws SQLException {
        try (Connection c = pg.connect("ehr");
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'ehrflow_slot'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Heartbeat action queries that ran: the row's ts moves past its migration-time value. */
    private static int heartbeatWrites() throws SQLException {
        try (Connection c = pg.connect("ehr");
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT n_tup_upd FROM pg_stat_user_tables WHERE relid = 'ehr.cdc_heartbeat'::regclass")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static long confirmedFlushLsn() throws SQLException {
        try (Connection c = pg.connect("ehr");
                ResultSet rs = c.createStatement().executeQuery("SELECT pg_wal_lsn_diff(confirmed_flush_lsn, '0/0')"
                        + " FROM pg_replication_slots WHERE slot_name = 'ehrflow_slot'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void assertCaptureRoleIsNotSuperuser() throws SQLException {
        try (Connection c = pg.connect("ehr");
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT rolsuper, rolreplication, rolcanlogin FROM pg_roles WHERE rolname = 'ehrflow_cdc'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean("rolsuper")).isFalse();
            assertThat(rs.getBoolean("rolreplication")).isTrue();
            assertThat(rs.getBoolean("rolcanlogin")).isTrue();
        }
    }
}
