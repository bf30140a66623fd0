package org.ehrflow.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ehrflow.cdc.CdcCaptureApp;
import org.ehrflow.cdc.CdcConfig;
import org.ehrflow.chunker.ChunkerApp;
import org.ehrflow.documents.DocumentExtractorApp;
import org.ehrflow.documents.DocumentExtractorConfig;
import org.ehrflow.ehrsim.ClinicMariaDb;
import org.ehrflow.ehrsim.EhrSchema;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.localstack.LocalMariaDb;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.normalizer.NormalizerApp;
import org.ehrflow.normalizer.NormalizerConfig;
import org.ehrflow.pipeline.Pipeline;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.sink.SinkApp;
import org.ehrflow.sink.SinkConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's done-when: the second, differently shaped EHR schema (ehr-sim `clinic`) reaches the vector table
 * through configuration alone, on both engines: PostgreSQL (pgoutput) and MariaDB 10.11 (binlog), the same
 * `clinic-ehr.yaml` read by cdc-capture and the normaliser, then the chunker and the sink as deployed. Insert, update,
 * entered-in-error, delete and soft delete end as rows (or their absence) in `ehrflow.chunk`. (The schema change
 * while running is `ClinicCaptureIT`'s and `MariaDbCaptureIT`'s: it stops at the normaliser's DLQ.)
 */
class ClinicEnginesIT {

    private static final String MAPPING = "classpath:org/ehrflow/cdcmap/clinic-ehr.yaml";
    private static final String PATIENT = PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "H-77");
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path work;

    /** The clinic's writes, in the engine's SQL (the same statements on both: standard SQL and literals). */
    private static final List<String> CHANGES = List.of(
            "INSERT INTO clinic.visit VALUES ('NORTH', 12, 5, 'E', '2026-03-29 01:30', NULL, false)",
            "INSERT INTO clinic.result VALUES ('NORTH', 'A1', 1, 5, 12, 'GLU', 5.4, 'mmol/L', '2026-07-01 08:00', 'P'),"
                    + " ('NORTH', 'A1', 2, 5, 12, 'HB', 13.1, 'g/dL', '2026-07-01 08:00', 'F'),"
                    + " ('NORTH', 'A1', 3, 5, 12, 'K', 4.1, 'mmol/L', '2026-07-01 08:00', 'F')",
            "UPDATE clinic.result SET status_cd = 'C', result_val = 5.9 WHERE seq = 1",
            "UPDATE clinic.result SET status_cd = 'X' WHERE seq = 2",
            "DELETE FROM clinic.result WHERE seq = 3",
            "INSERT INTO clinic.doc_note VALUES ('g-1', 5, 'NORTH', 12, 'Clinic letter', "
                    + "'{\\\\rtf1\\\\ansi\\\\f0 Patient seen for dizziness.\\\\par Plan: review in two weeks.}', "
                    + "'2026-07-01 09:15', false), ('g-2', 5, 'NORTH', 12, 'Nursing note', '<p>Wound clean</p>', "
                    + "'2026-07-01 10:00', false)",
            "UPDATE clinic.doc_note SET is_deleted = true WHERE note_guid = 'g-2'");

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void clinicOnMariaDbReachesTheVectorTable() throws Exception {
        try (LocalMariaDb db = LocalMariaDb.startTemporary(); LocalPostgres pg = LocalPostgres.startTemporary();
                KafkaFixture kafka = KafkaFixture.start()) {
            ClinicMariaDb.create(db.jdbcUrl("mysql"), db.superuser(), db.superuserPassword());
            Secret cdcPassword = new Secret("cdc-" + Long.toHexString(System.nanoTime()));
            db.createCaptureUser("ehrflow_cdc", cdcPassword, ClinicMariaDb.DATABASE);
            db.execute("GRANT UPDATE ON clinic.cdc_heartbeat TO 'ehrflow_cdc'@'%'");
            db.execute("INSERT INTO clinic.pat_master VALUES (5, 'H-77', 'Muster', 'Erika', '1980-02-18', 'F')");
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            CdcConfig cdc = CdcConfig.defaults(settings, db.host(), db.port(), cdcPassword)
                    .withSource("clinic", "unused", "clinic.cdc.offsets.v1").withMappingFile(MAPPING)
                    .withMariaDb(db.port(), ClinicMariaDb.DATABASE, 5402, "clinic.cdc.schema-history.v1")
                    .withIntervals(Duration.ofMillis(300), Duration.ofMillis(10));
            run(settings, pg, cdc, sql -> db.execute(sql));
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void clinicOnPostgresReachesTheVectorTable() throws Exception {
        try (LocalPostgres pg = LocalPostgres.startTemporary(); KafkaFixture kafka = KafkaFixture.start()) {
            pg.createDatabase("ehr");
            Secret cdcPassword = new Secret("cdc-" + Long.toHexString(System.nanoTime()));
            EhrSchema.migrate(pg.jdbcUrl("ehr"), pg.superuser(), pg.superuserPassword(), cdcPassword);
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("ehr"), pg.superuser(),
                    pg.superuserPassword().value()); Statement st = c.createStatement()) {
                st.execute(resource("db/clinic/V1__clinic_schema.sql"));
                st.execute("GRANT USAGE ON SCHEMA clinic TO ehrflow_cdc; GRANT SELECT ON ALL TABLES IN SCHEMA clinic "
                        + "TO ehrflow_cdc; CREATE PUBLICATION clinic_pub FOR TABLE clinic.pat_master, clinic.visit, "
                        + "clinic.result, clinic.doc_note, ehr.cdc_heartbeat");
                st.execute("INSERT INTO clinic.pat_master VALUES (5, 'H-77', 'Muster', 'Erika', '1980-02-18', 'F')");
            }
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            CdcConfig cdc = CdcConfig.defaults(settings, pg.host(), pg.port(), cdcPassword)
                    .withSource("ehr", "clinic_slot", "clinic.cdc.offsets.v1").withPublication("clinic_pub")
                    .withMappingFile(MAPPING).withIntervals(Duration.ofMillis(300), Duration.ofMillis(10));
            run(settings, pg, cdc, sql -> {
                try (Connection c = DriverManager.getConnection(pg.jdbcUrl("ehr"), pg.superuser(),
                        pg.superuserPassword().value()); Statement st = c.createStatement()) {
                    st.execute(sql.replace("\\\\", "\\"));
                }
            });
        }
    }

    private interface Sql {
        void execute(String sql) throws Exception;
    }

    /** Sink, chunker, normaliser (with the clinic mapping) and capture as deployed; the changes; the rows. */
    private void run(KafkaSettings settings, LocalPostgres pg, CdcConfig cdc, Sql source) throws Exception {
        TopicAdmin.ensureTopics(settings, 2, (short) 1);
        pg.createDatabase(Pipeline.RAG_DB);
        String rag = pg.jdbcUrl(Pipeline.RAG_DB);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Deque<AutoCloseable> apps = new ArrayDeque<>();
        try {
            apps.push(SinkApp.start(SinkConfig.defaults(settings, rag, pg.superuser(), pg.superuserPassword()),
                    registry));
            ChunkerApp chunker = ChunkerApp.start(Pipeline.chunkerConfig(settings, work.resolve("chunker")), registry);
            apps.push(chunker);
            // Notes reach the chunker through the document extractor, as deployed (RTF and HTML bodies by Tika).
            DocumentExtractorApp documents = DocumentExtractorApp.start(DocumentExtractorConfig.defaults(settings,
                    work.resolve("documents")), registry);
            apps.push(documents);
            NormalizerApp normalizer = NormalizerApp.start(NormalizerConfig.fromEnv(Map.of(
                    "EHRFLOW_KAFKA_BOOTSTRAP_SERVERS", settings.bootstrapServers(),
                    "EHRFLOW_NORMALIZER_STATE_DIR", work.resolve("normalizer").toString(),
                    "EHRFLOW_NORMALIZER_CDC_MAPPING_FILE", MAPPING,
                    "EHRFLOW_NORMALIZER_CDC_SITE_ZONE", "Europe/Berlin",
                    "EHRFLOW_NORMALIZER_OPS_PORT", "0")), registry);
            apps.push(normalizer);
            apps.push(CdcCaptureApp.start(cdc, registry));
            Pipeline.await("stream apps running", () -> normalizer.isReady() && chunker.isRunning()
                    && documents.isRunning(), WAIT);
            for (String sql : CHANGES) {
                source.execute(sql);
            }
            // The corrected glucose in the visit's story, the deleted potassium and the entered-in-error Hb gone,
            // the RTF letter as text, the soft-deleted nursing note retracted.
            try {
                Pipeline.await("the clinic's changes in ehrflow.chunk", () -> {
                    String all = String.join("\n", texts(rag, pg));
                    return all.contains("5.9") && all.contains("dizziness") && !all.contains("Wound clean")
                            && !all.contains("4.1") && !all.contains("13.1");
                }, WAIT);
            } catch (IllegalStateException e) {
                throw new AssertionError("chunks of the clinic patient: " + texts(rag, pg) + "; all patients: "
                        + rows(rag, pg, "SELECT patient_key || ' ' || source_id FROM ehrflow.chunk WHERE ? IS NOT NULL"),
                        e);
            }
            List<String> texts = texts(rag, pg);
            assertThat(String.join("\n", texts)).contains("GLU: 5.9 mmol/L", "Status: corrected", "| Plan |", "review in two weeks")
                    .doesNotContain("5.4 mmol/L").doesNotContain("\\rtf1");
            assertThat(rows(rag, pg, "SELECT DISTINCT source_type FROM ehrflow.chunk WHERE patient_key = ?"))
                    .containsExactly("CDC");
        } finally {
            while (!apps.isEmpty()) {
                apps.pop().close();
            }
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

    private static String resource(String name) throws Exception {
        try (InputStream in = EhrSchema.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
