package org.ehrflow.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.ehrflow.ehrsim.EhrSchema;
import org.ehrflow.ehrsim.sim.ClinicSimulator;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.normalizer.mapping.cdc.CdcMapper;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The second, differently shaped EHR schema (ehr-sim db/clinic) captured and mapped by configuration alone
 * (clinic-ehr.yaml): snapshot, insert, update, entered-in-error, delete, soft delete, RTF note, local timestamps
 * in the site zone, and a column renamed while running (that table's rows go to the DLQ as CDC_SCHEMA_DRIFT).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClinicCaptureIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String MAPPING = "classpath:org/ehrflow/cdcmap/clinic-ehr.yaml";

    @Test
    void clinicSchemaReachesFhirThroughConfigurationOnly() throws Exception {
        try (LocalPostgres pg = LocalPostgres.startTemporary(); KafkaFixture kafka = KafkaFixture.start()) {
            pg.createDatabase("ehr");
            byte[] pw = new byte[16];
            ThreadLocalRandom.current().nextBytes(pw);
            Secret cdcPassword = new Secret(HexFormat.of().formatHex(pw));
            EhrSchema.migrate(pg.jdbcUrl("ehr"), pg.superuser(), pg.superuserPassword(), cdcPassword);
            TopicAdmin.ensureTopics(KafkaSettings.of(kafka.bootstrapServers()), 1, (short) 1);
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("ehr"), pg.superuser(),
                    pg.superuserPassword().value()); Statement st = c.createStatement()) {
                st.execute(resource("db/clinic/V1__clinic_schema.sql"));
                st.execute("GRANT USAGE ON SCHEMA clinic TO ehrflow_cdc; GRANT SELECT ON ALL TABLES IN SCHEMA clinic "
                        + "TO ehrflow_cdc; CREATE PUBLICATION clinic_pub FOR TABLE clinic.pat_master, clinic.visit, "
                        + "clinic.result, clinic.doc_note, ehr.cdc_heartbeat");
                st.execute("INSERT INTO clinic.pat_master VALUES (5, 'H-77', 'Muster', 'Erika', '1980-02-18', 'F')");
                CdcConfig config = CdcConfig.defaults(KafkaSettings.of(kafka.bootstrapServers()), pg.host(),
                        pg.port(), cdcPassword).withSource("ehr", "clinic_slot", "clinic.cdc.offsets.v1")
                        .withPublication("clinic_pub").withMappingFile(MAPPING)
                        .withIntervals(Duration.ofMillis(300), Duration.ofMillis(10));
                SimpleMeterRegistry registry = new SimpleMeterRegistry();
                try (RawTopicReader reader = new RawTopicReader(kafka.bootstrapServers(), 1);
                        CdcCaptureApp app = CdcCaptureApp.start(config, registry)) {
                    reader.awaitMatching(p -> p.at("/source/table").asText().equals("pat_master"), WAIT);
                    st.execute("INSERT INTO clinic.visit VALUES ('NORTH', 12, 5, 'E', '2026-03-29 01:30', NULL, false)");
                    st.execute("INSERT INTO clinic.result VALUES ('NORTH', 'A1', 1, 5, 12, 'GLU', 5.4, 'mmol/L', "
                            + "'2026-07-01 08:00', 'P'), ('NORTH', 'A1', 2, 5, 12, 'HB', 13.1, 'g/dL', "
                            + "'2026-07-01 08:00', 'F'), ('NORTH', 'A1', 3, 5, 12, 'K', 4.1, 'mmol/L', "
                            + "'2026-07-01 08:00', 'F')");
                    st.execute("UPDATE clinic.result SET status_cd = 'C', result_val = 5.9 WHERE seq = 1");
                    st.execute("UPDATE clinic.result SET status_cd = 'X' WHERE seq = 2");
                    st.execute("DELETE FROM clinic.result WHERE seq = 3");
                    st.execute("INSERT INTO clinic.doc_note VALUES ('g-1', 5, 'NORTH', 12, 'Clinic letter', "
                            + "'{\\rtf1\\ansi\\f0 Patient seen.\\par Plan: review.}', '2026-07-01 09:15', false), "
                            + "('g-2', 5, 'NORTH', 12, 'Nursing note', '<p>BP stable</p>', '2026-07-01 10:00', false)");
                    st.execute("UPDATE clinic.doc_note SET is_deleted = true WHERE note_guid = 'g-2'");
                    // The clinic's simulator profile: 150 more changes of every kind.
                    try (ClinicSimulator sim = new ClinicSimulator(pg.jdbcUrl("ehr"), pg.superuser(),
                            pg.superuserPassword().value(), 7)) {
                        for (int i = 0; i < 150; i++) {
                            sim.step();
                        }
                    }
                    // A schema change while running: the mapping reads test_cd, which is now gone.
                    st.execute("ALTER TABLE clinic.result RENAME COLUMN test_cd TO test_code");
                    st.execute("INSERT INTO clinic.result VALUES ('NORTH', 'A2', 1, 5, 12, 'NA', 140, 'mmol/L', "
                            + "'2026-07-02 08:00', 'F')");
                    reader.awaitMatching(p -> p.at("/after/accession").asText().equals("A2"), WAIT);
                    // capture reports the change too: one problem (result.test_cd no longer exists)
                    await().atMost(WAIT).until(() -> registry.get("ehrflow.cdc.mapping.problems").gauge().value(),
                            v -> v == 1.0);
                    reader.awaitMatching(p -> p.at("/after/note_guid").asText().equals("g-2")
                            && p.at("/after/is_deleted").asBoolean(), WAIT);
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
                            "Observation/clinic-obs-NORTH-A1-1", "DocumentReference/clinic-note-g-1")
                            .doesNotContain("Observation/clinic-obs-NORTH-A1-2", "Observation/clinic-obs-NORTH-A1-3",
                                    "DocumentReference/clinic-note-g-2", "Observation/clinic-obs-NORTH-A2-1");
                    assertThat(fhir.records).hasSizeGreaterThan(150); // the simulator's changes mapped too
                    JsonNode obs = Json.MAPPER.readTree(fhir.state.get("Observation/clinic-obs-NORTH-A1-1"));
                    assertThat(obs.at("/status").asText()).isEqualTo("corrected");
                    assertThat(obs.at("/code/coding/0/code").asText()).isEqualTo("2345-7");
                    assertThat(obs.at("/valueQuantity/value").decimalValue()).isEqualByComparingTo("5.9");
                    assertThat(obs.at("/effectiveDateTime").asText()).isEqualTo("2026-07-01T06:00:00Z");
                    assertThat(obs.at("/encounter/reference").asText()).isEqualTo("Encounter/clinic-enc-NORTH-12");
                    JsonNode enc = Json.MAPPER.readTree(fhir.state.get("Encounter/clinic-enc-NORTH-12"));
                    assertThat(enc.at("/period/start").asText()).isEqualTo("2026-03-29T00:30:00Z");
                    JsonNode note = Json.MAPPER.readTree(fhir.state.get("DocumentReference/clinic-note-g-1"));
                    assertThat(new String(Base64.getDecoder().decode(
                            note.at("/content/0/attachment/data").asText()), StandardCharsets.UTF_8))
                            .isEqualTo("Patient seen.\nPlan: review.");
                }
            }
        }
    }

    private static String resource(String path) throws Exception {
        try (InputStream in = ClinicCaptureIT.class.getClassLoader().getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
