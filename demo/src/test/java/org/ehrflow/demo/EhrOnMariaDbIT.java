package org.ehrflow.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.ehrflow.cdc.CdcCaptureApp;
import org.ehrflow.cdc.CdcConfig;
import org.ehrflow.cdcmap.MappingLoader;
import org.ehrflow.chunker.ChunkerApp;
import org.ehrflow.documents.DocumentExtractorApp;
import org.ehrflow.documents.DocumentExtractorConfig;
import org.ehrflow.ehrsim.EhrMariaDb;
import org.ehrflow.ehrsim.EhrWriter;
import org.ehrflow.ehrsim.sim.EhrSimulator;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.localstack.LocalMariaDb;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.localstack.TopicReader;
import org.ehrflow.normalizer.NormalizerApp;
import org.ehrflow.normalizer.NormalizerConfig;
import org.ehrflow.pipeline.Pipeline;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.Topics;
import org.ehrflow.sink.SinkApp;
import org.ehrflow.sink.SinkConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's done-when for the demo EHR schema on the second engine: the seven tables of PostgreSQL's {@code db/ehr}
 * on MariaDB 10.11 ({@code db/ehr-mariadb}), written by the same EhrWriter, captured from the binlog and mapped by
 * the SAME {@code demo-ehr.yaml} the demo uses on PostgreSQL, reach {@code ehrflow.chunk}: insert, update (a
 * corrected result), delete (a note), entered-in-error (this schema's soft delete: a result and a note), the
 * demo's simulator profile (200 changes of every kind, none dead-lettered), and a column renamed while running (CDC_SCHEMA_DRIFT dead letters for that table only, the others still flowing).
 */
class EhrOnMariaDbIT {

    private static final String MRN = "MRN-MARIA-1";
    private static final String PATIENT = PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, MRN);
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Instant T0 = Instant.parse("2026-07-01T08:00:00Z");

    @TempDir
    Path work;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void demoEhrOnMariaDbReachesTheVectorTableThroughTheSameMapping() throws Exception {
        try (LocalMariaDb db = LocalMariaDb.startTemporary(); LocalPostgres pg = LocalPostgres.startTemporary();
                KafkaFixture kafka = KafkaFixture.start()) {
            EhrMariaDb.create(db.jdbcUrl("mysql"), db.superuser(), db.superuserPassword());
            Secret cdcPassword = new Secret("cdc-" + Long.toHexString(System.nanoTime()));
            db.createCaptureUser("ehrflow_cdc", cdcPassword, EhrMariaDb.DATABASE);
            db.execute("GRANT UPDATE ON ehr.cdc_heartbeat TO 'ehrflow_cdc'@'%'");
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            CdcConfig cdc = CdcConfig.defaults(settings, db.host(), db.port(), cdcPassword)
                    .withMappingFile(MappingLoader.DEMO)
                    .withMariaDb(db.port(), EhrMariaDb.DATABASE, 5403, CdcConfig.DEFAULT_SCHEMA_HISTORY_TOPIC)
                    .withIntervals(Duration.ofMillis(300), Duration.ofMillis(10));
            TopicAdmin.ensureTopics(settings, 2, (short) 1);
            pg.createDatabase(Pipeline.RAG_DB);
            String rag = pg.jdbcUrl(Pipeline.RAG_DB);
            Deque<AutoCloseable> apps = new ArrayDeque<>();
            try (EhrWriter ehr = new EhrWriter(db.jdbcUrl(EhrMariaDb.DATABASE), db.superuser(),
                    db.superuserPassword())) {
                start(apps, settings, pg, cdc);
                long patient = ehr.insertPatient(MRN, "Mariadb", "Maria", LocalDate.of(1975, 5, 17), "female");
                long enc = ehr.insertEncounter(patient, "V-MARIA-1", "inpatient", "in-progress", "Chest pain", T0);
                long kept = ehr.insertNote(patient, enc, "Progress note", "Dr. Lee", T0,
                        "Patient reports dizziness since Tuesday.");
                long deleted = ehr.insertNote(patient, enc, "Nursing note", "RN Kim", T0, "Dressing changed cleanly.");
                long voided = ehr.insertNote(patient, enc, "Nursing note", "RN Kim", T0, "Wrong chart oxygen note.");
                long corrected = lab(ehr, patient, enc, 123.4);
                long erroneous = lab(ehr, patient, enc, 456.7);
                awaitChunks(rag, pg, "every insert", t -> t.contains("dizziness") && t.contains("Dressing changed")
                        && t.contains("Wrong chart") && t.contains("123.4") && t.contains("456.7"));

                ehr.correctLabResult(corrected, 98.6, "N"); // update
                db.execute("UPDATE ehr.lab_results SET status = 'entered-in-error' WHERE id = " + erroneous);
                db.execute("UPDATE ehr.notes SET status = 'entered-in-error' WHERE id = " + voided);
                ehr.delete(EhrWriter.Table.NOTES, deleted); // delete
                awaitChunks(rag, pg, "update, entered-in-error and delete", t -> t.contains("98.6")
                        && !t.contains("123.4") && !t.contains("456.7") && !t.contains("Wrong chart")
                        && !t.contains("Dressing changed") && t.contains("dizziness"));

                // The demo's simulator profile writes to MariaDB unchanged (every kind of change, deletes too).
                EhrSimulator.Result sim = new EhrSimulator(ehr, 11).run(200, Duration.ofSeconds(30), 200);
                assertThat(sim.changes()).isEqualTo(200);
                lab(ehr, patient, enc, 55.5);
                awaitChunks(rag, pg, "the lab after the simulator", t -> t.contains("55.5"));

                // A schema change while running: the mapping reads allergies.reaction, which is now gone.
                db.execute("ALTER TABLE ehr.allergies RENAME COLUMN reaction TO reaction_text");
                db.execute("INSERT INTO ehr.allergies (patient_id, substance, reaction_text, clinical_status, "
                        + "verification_status) VALUES (" + patient + ", 'Latex', 'hives', 'active', 'confirmed')");
                lab(ehr, patient, enc, 77.7); // another table keeps flowing
                awaitChunks(rag, pg, "the lab after the rename", t -> t.contains("77.7"));
                List<DeadLetter> drift = new ArrayList<>();
                Pipeline.await("the normaliser's CDC_SCHEMA_DRIFT dead letter", () -> {
                    drift.clear();
                    drift.addAll(deadLetters(settings));
                    return !drift.isEmpty();
                }, WAIT);
                // ... and the only dead letters are the renamed table's: the simulator's 200 changes all mapped.
                assertThat(drift).allSatisfy(d -> {
                    assertThat(d.reasonCode()).isEqualTo("CDC_SCHEMA_DRIFT");
                    assertThat(d.sourceMessageId()).startsWith("ehr.allergies:");
                });
                assertThat(String.join("\n", texts(rag, pg))).doesNotContain("Latex");
                assertThat(TopicReader.readAll(settings.clientProps(), Topics.dlq(Topics.APP_CDC_CAPTURE).name(),
                        Duration.ofSeconds(10))).isEmpty();
                assertThat(rows(rag, pg, "SELECT DISTINCT source_type FROM ehrflow.chunk WHERE patient_key = ?"))
                        .containsExactly("CDC");
            } finally {
                while (!apps.isEmpty()) {
                    apps.pop().close();
                }
            }
        }
    }

    /** Sink, chunker, document extractor, normaliser (the demo mapping) and capture, as deployed. */
    private void start(Deque<AutoCloseable> apps, KafkaSettings settings, LocalPostgres pg, CdcConfig cdc)
            throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        apps.push(SinkApp.start(SinkConfig.defaults(settings, pg.jdbcUrl(Pipeline.RAG_DB), pg.superuser(),
                pg.superuserPassword()), registry));
        ChunkerApp chunker = ChunkerApp.start(Pipeline.chunkerConfig(settings, work.resolve("chunker")), registry);
        apps.push(chunker);
        DocumentExtractorApp documents = DocumentExtractorApp.start(DocumentExtractorConfig.defaults(settings,
                work.resolve("documents")), registry);
        apps.push(documents);
        NormalizerApp normalizer = NormalizerApp.start(NormalizerConfig.fromEnv(Map.of(
                "EHRFLOW_KAFKA_BOOTSTRAP_SERVERS", settings.bootstrapServers(),
                "EHRFLOW_NORMALIZER_STATE_DIR", work.resolve("normalizer").toString(),
                "EHRFLOW_NORMALIZER_CDC_MAPPING_FILE", MappingLoader.DEMO,
                "EHRFLOW_NORMALIZER_OPS_PORT", "0")), registry);
        apps.push(normalizer);
        apps.push(CdcCaptureApp.start(cdc, registry));
        Pipeline.await("stream apps running", () -> normalizer.isReady() && chunker.isRunning()
                && documents.isRunning(), WAIT);
    }

    private static long lab(EhrWriter ehr, long patient, long enc, double value) {
        return ehr.insertLabResult(patient, enc, "2345-7", "Glucose", value, null, "mg/dL", "70-99", "H", "final",
                T0);
    }

    private static List<DeadLetter> deadLetters(KafkaSettings settings) {
        List<DeadLetter> out = new ArrayList<>();
        String topic = Topics.dlq(Topics.APP_FHIR_NORMALIZER).name();
        for (ConsumerRecord<String, byte[]> r : TopicReader.readAll(settings.clientProps(), topic,
                Duration.ofSeconds(10))) {
            out.add(Topics.dlq(Topics.APP_FHIR_NORMALIZER).valueSerde().deserializer().deserialize(topic, r.value()));
        }
        return out;
    }

    private interface TextCheck {
        boolean test(String allChunks);
    }

    private static void awaitChunks(String rag, LocalPostgres pg, String what, TextCheck check) {
        try {
            Pipeline.await(what + " in ehrflow.chunk", () -> check.test(String.join("\n", texts(rag, pg))), WAIT);
        } catch (IllegalStateException e) {
            throw new AssertionError(what + ": chunks of the patient: " + texts(rag, pg), e);
        }
    }

    private static List<String> texts(String rag, LocalPostgres pg) {
        return rows(rag, pg, "SELECT text FROM ehrflow.chunk WHERE patient_key = ? ORDER BY chunk_id");
    }

    private static List<String> rows(String rag, LocalPostgres pg, String sql) {
        try (Connection c = DriverManager.getConnection(rag, pg.superuser(), pg.superuserPassword().value());
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, PATIENT);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (Exception e) {
            return List.of(); // the sink has not created its tables yet
        }
    }
}
