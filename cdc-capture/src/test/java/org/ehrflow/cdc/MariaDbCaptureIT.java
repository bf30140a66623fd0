package org.ehrflow.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.ehrflow.ehrsim.ClinicMariaDb;
import org.ehrflow.ehrsim.sim.ClinicSimulator;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.localstack.LocalMariaDb;
import org.ehrflow.normalizer.mapping.cdc.CdcMapper;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The second engine: the clinic schema on a real MariaDB 10.11 (binlog ROW/FULL), captured by Debezium's MySQL
 * connector in the embedded engine and mapped by the SAME clinic-ehr.yaml as on PostgreSQL: snapshot, insert,
 * update, entered-in-error, delete, soft delete, RTF note, local timestamps; capture restarted in the middle of a
 * change stream (every key arrives, duplicates are exact re-emissions, no re-snapshot, the schema history topic
 * is there) and after a quiet stop with a change made while down; then a column renamed while running
 * (CDC_SCHEMA_DRIFT for that table's next row only).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MariaDbCaptureIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String MAPPING = "classpath:org/ehrflow/cdcmap/clinic-ehr.yaml";
    private static final String HISTORY = "clinic.cdc.schema-history.v1";
    private static final int STREAM = 200;

    @Test
    void clinicSchemaOnMariaDbReachesFhirThroughTheSameMapping() throws Exception {
        try (LocalMariaDb db = LocalMariaDb.startTemporary(); KafkaFixture kafka = KafkaFixture.start()) {
            ClinicMariaDb.create(db.jdbcUrl("mysql"), db.superuser(), db.superuserPassword());
            Secret cdcPassword = new Secret("cdc-" + Long.toHexString(System.nanoTime()));
            db.createCaptureUser("ehrflow_cdc", cdcPassword, ClinicMariaDb.DATABASE);
            db.execute("GRANT UPDATE ON clinic.cdc_heartbeat TO 'ehrflow_cdc'@'%'");
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            TopicAdmin.ensureTopics(settings, 1, (short) 1);
            db.execute("INSERT INTO clinic.pat_master VALUES (5, 'H-77', 'Muster', 'Erika', '1980-02-18', 'F')");
            CdcConfig config = CdcConfig.defaults(settings, db.host(), db.port(), cdcPassword)
                    .withSource("clinic", "unused", "clinic.cdc.offsets.v1").withMappingFile(MAPPING)
                    .withMariaDb(db.port(), ClinicMariaDb.DATABASE, 5401, HISTORY)
                    .withIntervals(Duration.ofMillis(300), Duration.ofMillis(10));
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (RawTopicReader reader = new RawTopicReader(kafka.bootstrapServers(), 1)) {
                try (CdcCaptureApp app = CdcCaptureApp.start(config, registry)) {
                    JsonNode snap = reader.awaitMatching(p -> p.at("/source/table").asText().equals("pat_master"),
                            WAIT);
                    assertThat(snap.path("op").asText()).isEqualTo("r");
                    db.execute("INSERT INTO clinic.visit VALUES ('NORTH', 12, 5, 'E', '2026-03-29 01:30', NULL, "
                            + "false)");
                    db.execute("INSERT INTO clinic.result VALUES ('NORTH', 'A1', 1, 5, 12, 'GLU', 5.4, 'mmol/L', "
                            + "'2026-07-01 08:00', 'P'), ('NORTH', 'A1', 2, 5, 12, 'HB', 13.1, 'g/dL', "
                            + "'2026-07-01 08:00', 'F'), ('NORTH', 'A1', 3, 5, 12, 'K', 4.1, 'mmol/L', "
                            + "'2026-07-01 08:00', 'F')");
                    db.execute("UPDATE clinic.result SET status_cd = 'C', result_val = 5.9 WHERE seq = 1");
                    db.execute("UPDATE clinic.result SET status_cd = 'X' WHERE seq = 2");
                    db.execute("DELETE FROM clinic.result WHERE seq = 3");
                    db.execute("INSERT INTO clinic.doc_note VALUES ('g-1', 5, 'NORTH', 12, 'Clinic letter', "
                            + "'{\\\\rtf1\\\\ansi\\\\f0 Patient seen.\\\\par Plan: review.}', '2026-07-01 09:15', "
                            + "false), ('g-2', 5, 'NORTH', 12, 'Nursing note', '<p>BP stable</p>', "
                            + "'2026-07-01 10:00', false)");
                    db.execute("UPDATE clinic.doc_note SET is_deleted = true WHERE note_guid = 'g-2'");
                    JsonNode del = reader.awaitMatching(p -> p.path("op").asText().equals("d"), WAIT);
                    assertThat(del.at("/before/test_cd").asText()).isEqualTo("K"); // binlog_row_image=FULL
                    reader.awaitMatching(p -> p.at("/after/note_guid").asText().equals("g-2")
                            && p.at("/after/is_deleted").asBoolean(), WAIT);
                    try (ClinicSimulator sim = new ClinicSimulator(db.jdbcUrl(ClinicMariaDb.DATABASE),
                            db.superuser(), db.superuserPassword().value(), 7)) {
                        for (int i = 0; i < 100; i++) {
                            sim.step();
                        }
                    }
                    // A change stream the capture is restarted in the middle of.
                    AtomicInteger written = new AtomicInteger();
                    ExecutorService writer = Executors.newSingleThreadExecutor();
                    try {
                        Future<?> stream = writer.submit(() -> {
                            for (int i = 0; i < STREAM; i++) {
                                db.execute("INSERT INTO clinic.result VALUES ('NORTH', 'S" + i + "', 1, 5, 12, 'NA', "
                                        + (130 + i % 20) + ", 'mmol/L', '2026-07-03 08:00', 'F')");
                                written.incrementAndGet();
                                Thread.sleep(10);
                            }
                            return null;
                        });
                        await().atMost(WAIT).until(() -> written.get() >= STREAM / 4);
                        app.close();
                        try (CdcCaptureApp again = CdcCaptureApp.start(config, new SimpleMeterRegistry())) {
                            stream.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                            reader.awaitMatching(p -> p.at("/after/accession").asText().equals("S" + (STREAM - 1)),
                                    WAIT);
                            assertStreamComplete(reader);
                            assertThat(historyRecords(kafka.bootstrapServers())).isPositive();
                        }
                        // A quiet stop (every offset committed), a change while down, a restart: it arrives. With
                        // Debezium's own MariaDB offsets this change was skipped (BinlogRestartOffsets).
                        db.execute("INSERT INTO clinic.result VALUES ('NORTH', 'Q1', 1, 5, 12, 'K', 4.2, 'mmol/L', "
                                + "'2026-07-04 08:00', 'F')");
                        try (CdcCaptureApp third = CdcCaptureApp.start(config, new SimpleMeterRegistry())) {
                            db.execute("INSERT INTO clinic.result VALUES ('NORTH', 'Q2', 1, 5, 12, 'K', 4.3, "
                                    + "'mmol/L', '2026-07-04 08:00', 'F')");
                            reader.awaitMatching(p -> p.at("/after/accession").asText().equals("Q2"), WAIT);
                            reader.awaitMatching(p -> p.at("/after/accession").asText().equals("Q1"), WAIT);
                            // A schema change while running: the mapping reads test_cd, which is now gone.
                            db.execute("ALTER TABLE clinic.result RENAME COLUMN test_cd TO test_code");
                            db.execute("INSERT INTO clinic.result VALUES ('NORTH', 'A2', 1, 5, 12, 'NA', 140, "
                                    + "'mmol/L', '2026-07-02 08:00', 'F')");
                            reader.awaitMatching(p -> p.at("/after/accession").asText().equals("A2"), WAIT);
                        }
                    } finally {
                        writer.shutdownNow();
                    }
                }
            }
            CdcMapper mapper = new CdcMapper(PatientKeyResolver.defaults(), MAPPING,
                    PatientKeyResolver.DEFAULT_MRN_SYSTEM, "EHR", ZoneId.of("Europe/Berlin"));
            try (RawTopicReader all = new RawTopicReader(kafka.bootstrapServers(), 1)) {
                all.awaitMatching(p -> p.at("/after/accession").asText().equals("A2"), WAIT);
                FhirReplay fhir = new FhirReplay(mapper).apply(all.records);
                assertThat(all.records).allMatch(r -> r.key().startsWith("clinic-patient:"));
                assertThat(fhir.waiting).isZero();
                assertThat(fhir.reasons).containsExactly("CDC_SCHEMA_DRIFT"); // only the row after the rename
                assertThat(fhir.state.keySet()).contains(
                        "Patient/" + fhir.records.get(0).resourceId(), "Encounter/clinic-enc-NORTH-12",
                        "Observation/clinic-obs-NORTH-A1-1", "DocumentReference/clinic-note-g-1",
                        "Observation/clinic-obs-NORTH-S0-1", "Observation/clinic-obs-NORTH-S199-1",
                        "Observation/clinic-obs-NORTH-Q1-1", "Observation/clinic-obs-NORTH-Q2-1")
                        .doesNotContain("Observation/clinic-obs-NORTH-A1-2", "Observation/clinic-obs-NORTH-A1-3",
                                "DocumentReference/clinic-note-g-2", "Observation/clinic-obs-NORTH-A2-1");
                JsonNode obs = Json.MAPPER.readTree(fhir.state.get("Observation/clinic-obs-NORTH-A1-1"));
                assertThat(obs.at("/status").asText()).isEqualTo("corrected");
                assertThat(obs.at("/code/coding/0/code").asText()).isEqualTo("2345-7");
                assertThat(obs.at("/valueQuantity/value").decimalValue()).isEqualByComparingTo("5.9");
                assertThat(obs.at("/effectiveDateTime").asText()).isEqualTo("2026-07-01T06:00:00Z");
                assertThat(obs.at("/encounter/reference").asText()).isEqualTo("Encounter/clinic-enc-NORTH-12");
                JsonNode enc = Json.MAPPER.readTree(fhir.state.get("Encounter/clinic-enc-NORTH-12"));
                assertThat(enc.at("/period/start").asText()).isEqualTo("2026-03-29T00:30:00Z");
                JsonNode patient = Json.MAPPER.readTree(fhir.state.get("Patient/" + fhir.records.get(0).resourceId()));
                assertThat(patient.at("/birthDate").asText()).isEqualTo("1980-02-18");
                JsonNode note = Json.MAPPER.readTree(fhir.state.get("DocumentReference/clinic-note-g-1"));
                assertThat(new String(Base64.getDecoder().decode(
                        note.at("/content/0/attachment/data").asText()), StandardCharsets.UTF_8))
                        .isEqualTo("Patient seen.\nPlan: review.");
            }
        }
    }

    /** Every streamed key arrived; a key seen twice is the same change re-emitted; the snapshot ran once. */
    private static void assertStreamComplete(RawTopicReader reader) {
        Map<String, Set<String>> idsByKey = new HashMap<>();
        int snapshotRows = 0;
        for (ConsumerRecord<String, byte[]> r : reader.records) {
            JsonNode p = RawTopicReader.payload(r);
            String acc = p.at("/after/accession").asText("");
            if (acc.startsWith("S") && p.path("op").asText().equals("c")) {
                idsByKey.computeIfAbsent(acc, k -> new HashSet<>())
                        .add(RawTopicReader.rawMessage(r).provenance().sourceMessageId());
            }
            if (p.path("op").asText().equals("r")) {
                snapshotRows++;
            }
        }
        assertThat(idsByKey).hasSize(STREAM);
        assertThat(idsByKey.values()).allMatch(ids -> ids.size() == 1);
        assertThat(snapshotRows).isEqualTo(1);
    }

    private static long historyRecords(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(KafkaSettings.of(bootstrap).clientProps())) {
            assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).contains(HISTORY);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(KafkaSettings.of(bootstrap).clientProps(),
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(HISTORY, 0);
            return consumer.endOffsets(List.of(tp)).get(tp);
        }
    }
}
