package org.ehrflow.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.ehrflow.ehrsim.EhrSchema;
import org.ehrflow.ehrsim.EhrWriter;
import org.ehrflow.ehrsim.sim.EhrSimulator;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.SchemaValidator;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * One running capture over the V3 clinical tables: snapshot with progress metrics, insert/update/delete of every
 * clinical table, a column added while running, heartbeats advancing the slot while only uncaptured tables change,
 * an incremental snapshot through the signal table, slot lag metrics.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CdcOperationsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static LocalPostgres pg;
    private static KafkaFixture kafka;
    private static EhrWriter ehr;
    private static RawTopicReader reader;
    private static CdcCaptureApp app;
    private static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();
    private static long patient;
    private static long encounter;
    private static long allergy;

    @BeforeAll
    static void start() {
        pg = LocalPostgres.startTemporary();
        pg.createDatabase("ehr");
        byte[] pw = new byte[16];
        ThreadLocalRandom.current().nextBytes(pw);
        Secret cdcPassword = new Secret(HexFormat.of().formatHex(pw));
        EhrSchema.migrate(pg.jdbcUrl("ehr"), pg.superuser(), pg.superuserPassword(), cdcPassword);
        kafka = KafkaFixture.start();
        TopicAdmin.ensureTopics(KafkaSettings.of(kafka.bootstrapServers()), 1, (short) 1);
        ehr = new EhrWriter(pg.jdbcUrl("ehr"), pg.superuser(), pg.superuserPassword());
        // Rows that exist before capture starts: the initial snapshot emits them as op r.
        patient = ehr.insertPatient("MRN-OPS-1", "Testperson", "Sam", LocalDate.of(1970, 5, 6), "other");
        encounter = ehr.insertEncounter(patient, "V-OPS-1", "inpatient", "in-progress", "Synthetic admission",
                Instant.parse("2026-01-02T00:00:00Z"));
        allergy = ehr.insertAllergy(patient, "764146007", "Penicillin", "Hives", "moderate", "high",
                Instant.parse("2026-01-02T01:00:00Z"));
        CdcConfig config = CdcConfig.defaults(KafkaSettings.of(kafka.bootstrapServers()), pg.host(), pg.port(),
                cdcPassword).withIntervals(Duration.ofMillis(300), Duration.ofMillis(10));
        reader = new RawTopicReader(kafka.bootstrapServers(), 1);
        app = CdcCaptureApp.start(config, REGISTRY);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {app, reader, ehr, kafka, pg}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    @Test
    @Order(1)
    void snapshotEmitsExistingRowsAndReportsProgress() throws JMException {
        reader.await("allergies", "r", allergy, WAIT);
        reader.await("encounters", "r", encounter, WAIT);
        await().atMost(WAIT).until(() -> gauge("ehrflow.cdc.snapshot.completed") == 1.0);
        assertThat(gauge("ehrflow.cdc.snapshot.tables.total")).isEqualTo(8.0); // 7 clinical + signal table
        // Debezium 3.6 counts the signal table (captured for signals only) but no longer snapshots it, so it stays
        // "remaining"; every mapped table was read (the connector's own per-table row counts).
        assertThat(gauge("ehrflow.cdc.snapshot.tables.remaining")).isLessThanOrEqualTo(1.0);
        assertThat(scannedTables()).contains("ehr.patients", "ehr.encounters", "ehr.notes", "ehr.lab_results",
                "ehr.medication_orders", "ehr.allergies", "ehr.diagnoses");
        assertThat(gauge("ehrflow.cdc.snapshot.rows.scanned")).isGreaterThanOrEqualTo(3.0);
    }

    @Test
    @Order(2)
    void insertUpdateDeleteOfEveryClinicalTable() {
        long lab = ehr.insertLabResult(patient, encounter, "2345-7", "Glucose", 182.0, null, "mg/dL", "70-99", "H",
                "preliminary", Instant.parse("2026-01-02T02:00:00Z"));
        ehr.correctLabResult(lab, 128.5, "H");
        ehr.delete(EhrWriter.Table.LAB_RESULTS, lab);
        long order = ehr.insertMedicationOrder(patient, encounter, "860975", "Metformin 500 MG Oral Tablet",
                "500 mg", "oral", "twice daily", "Dr Synthetic", Instant.parse("2026-01-02T03:00:00Z"));
        ehr.setMedicationOrderStatus(order, "cancelled");
        ehr.delete(EhrWriter.Table.MEDICATION_ORDERS, order);
        long dx = ehr.insertDiagnosis(patient, encounter, "E11.9", "Type 2 diabetes mellitus", "encounter-diagnosis",
                "confirmed", LocalDate.of(2025, 12, 1), Instant.parse("2026-01-02T04:00:00Z"));
        ehr.setDiagnosisClinicalStatus(dx, "resolved");
        ehr.delete(EhrWriter.Table.DIAGNOSES, dx);
        long al = ehr.insertAllergy(patient, "111088007", "Latex", "Rash", "mild", "low", Instant.now());
        ehr.delete(EhrWriter.Table.ALLERGIES, al);

        JsonNode labC = reader.await("lab_results", "c", lab, WAIT);
        assertThat(labC.at("/after/value_numeric").asDouble()).isEqualTo(182.0); // double precision -> number
        JsonNode labU = reader.await("lab_results", "u", lab, WAIT);
        assertThat(labU.at("/after/status").asText()).isEqualTo("corrected");
        assertThat(labU.at("/before/value_numeric").asDouble()).isEqualTo(182.0); // REPLICA IDENTITY FULL
        assertThat(reader.await("lab_results", "d", lab, WAIT).at("/before/patient_id").asLong()).isEqualTo(patient);
        assertThat(reader.await("medication_orders", "u", order, WAIT).at("/after/status").asText())
                .isEqualTo("cancelled");
        reader.await("medication_orders", "d", order, WAIT);
        assertThat(reader.await("diagnoses", "c", dx, WAIT).at("/after/onset_date").asLong())
                .isEqualTo(LocalDate.of(2025, 12, 1).toEpochDay());
        reader.await("diagnoses", "u", dx, WAIT);
        reader.await("diagnoses", "d", dx, WAIT);
        reader.await("allergies", "c", al, WAIT);
        reader.await("allergies", "d", al, WAIT);
        assertThat(reader.records).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo("ehr-patient:" + patient);
            assertThat(SchemaValidator.problems(Topics.RAW_CDC, r.value())).isEmpty();
        });
        // read before the (slow) mapping below, while the 10 s window still holds these events
        assertThat(REGISTRY.get("ehrflow.cdc.events.rate").gauge().value()).isPositive();
        // Through the normaliser's CDC mapper: every change maps, deletes leave nothing behind, and the corrected,
        // cancelled and resolved states were each an upsert of the same resource id.
        FhirReplay fhir = new FhirReplay().apply(reader.records);
        assertThat(fhir.rejected + fhir.waiting).isZero();
        assertThat(fhir.state).containsKey("AllergyIntolerance/cdc-allergies-" + allergy)
                .doesNotContainKeys("Observation/cdc-lab-results-" + lab, "MedicationRequest/cdc-medication-orders-"
                        + order, "Condition/cdc-diagnoses-" + dx, "AllergyIntolerance/cdc-allergies-" + al);
        assertThat(fhir.records).filteredOn(f -> f.resourceId().equals("cdc-lab-results-" + lab))
                .extracting(f -> f.op().name()).containsExactly("UPSERT", "UPSERT", "DELETE");
        assertThat(fhir.records).filteredOn(f -> f.resourceId().equals("cdc-medication-orders-" + order))
                .extracting(f -> f.op().name()).containsExactly("UPSERT", "UPSERT", "DELETE");
        assertThat(fhir.records).filteredOn(f -> f.resourceId().equals("cdc-diagnoses-" + dx))
                .extracting(f -> f.op().name()).containsExactly("UPSERT", "UPSERT", "DELETE");
        assertThat(fhir.records).filteredOn(f -> f.resourceType().equals("Patient")).first()
                .extracting(FhirRecord::patientKey).isEqualTo(PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM,
                        "MRN-OPS-1")); // the key HL7 PID-3 MRN-OPS-1^^^HOSP^MR and FHIR would give
        assertThat(REGISTRY.get("ehrflow.cdc.events").tag("table", "ehr.lab_results").tag("op", "u").counter()
                .count()).isEqualTo(1);
    }

    @Test
    @Order(3)
    void columnAddedWhileRunningDoesNotStopThePipeline() throws SQLException {
        long lab;
        try (Connection c = pg.connect("ehr"); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE ehr.lab_results ADD COLUMN specimen text");
            try (ResultSet rs = st.executeQuery("INSERT INTO ehr.lab_results (patient_id, loinc_code, test_name,"
                    + " value_numeric, status, specimen) VALUES (" + patient + ", '2823-3', 'Potassium', 4.1, 'final',"
                    + " 'Serum') RETURNING id")) {
                rs.next();
                lab = rs.getLong(1);
            }
        }
        assertThat(reader.await("lab_results", "c", lab, WAIT).at("/after/specimen").asText()).isEqualTo("Serum");
        long note = ehr.insertNote(patient, encounter, "Progress note", "Dr Synthetic", Instant.now(), "After DDL.");
        reader.await("notes", "c", note, WAIT);
        assertThat(app.isRunning()).isTrue();
        assertThat(app.failure()).isEmpty();
    }

    @Test
    @Order(4)
    void heartbeatsAdvanceTheSlotWhileOnlyUncapturedTablesChange() throws SQLException {
        long target;
        try (Connection c = pg.connect("ehr"); Statement st = c.createStatement()) {
            // Not in the publication: pgoutput sends nothing for it, only heartbeats can move the slot.
            st.execute("CREATE TABLE public.uncaptured_audit (id bigserial PRIMARY KEY, what text)");
            st.execute("INSERT INTO public.uncaptured_audit (what) SELECT 'noise ' || g FROM generate_series(1, 5000) g");
            try (ResultSet rs = st.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")) {
                rs.next();
                target = rs.getLong(1);
            }
        }
        int before = reader.records.size();
        await("confirmed_flush_lsn passes the uncaptured writes").atMost(WAIT)
                .until(() -> confirmedFlushLsn() >= target);
        reader.drain(Duration.ofMillis(500));
        assertThat(reader.records).hasSize(before); // nothing published for the uncaptured table
        assertThat(REGISTRY.get("ehrflow.cdc.heartbeat.age").gauge().value()).isLessThan(10.0);
        await("slot lag gauges sampled").atMost(WAIT)
                .until(() -> !Double.isNaN(gauge("ehrflow.cdc.slot.lag.bytes")));
        assertThat(gauge("ehrflow.cdc.slot.lag.seconds")).isGreaterThanOrEqualTo(0.0);
        assertThat(gauge("ehrflow.cdc.slot.active")).isEqualTo(1.0);
    }

    @Test
    @Order(5)
    void incrementalSnapshotOnSignal() throws SQLException {
        try (Connection c = pg.connect("ehr"); Statement st = c.createStatement()) {
            st.execute("INSERT INTO ehr.debezium_signal (id, type, data) VALUES ('it-snap-1', 'execute-snapshot',"
                    + " '{\"data-collections\": [\"ehr.allergies\"], \"type\": \"incremental\"}')");
        }
        // The allergy seen in the initial snapshot comes again, as a read of the incremental snapshot.
        reader.awaitMatching(p -> p.at("/source/table").asText().equals("allergies") && p.path("op").asText()
                .equals("r") && p.at("/source/snapshot").asText().equals("incremental")
                && p.at("/after/id").asLong() == allergy, WAIT);
        assertThat(reader.payloads()).noneMatch(p -> p.at("/source/table").asText().equals("debezium_signal"));
        assertThat(app.isRunning()).isTrue();
    }

    @Test
    @Order(6)
    void simulatedActivityArrivesCompleteAndMapsToFhir() throws InterruptedException {
        reader.drain(Duration.ofMillis(500));
        int before = reader.records.size();
        EhrSimulator.Result r = new EhrSimulator(ehr, 7).run(200, Duration.ofSeconds(20), 300);
        assertThat(r.changes()).isEqualTo(300);
        assertThat(r.byAction().keySet()).contains(EhrSimulator.Action.AMEND_NOTE, EhrSimulator.Action.CORRECT_LAB,
                EhrSimulator.Action.CANCEL_ORDER, EhrSimulator.Action.DELETE, EhrSimulator.Action.DISCHARGE);
        // Every simulator step is one single-row statement: exactly one change event each.
        await().atMost(WAIT).pollInterval(Duration.ZERO).until(() -> {
            reader.drain(Duration.ofMillis(200));
            return reader.records.size() - before >= r.changes();
        });
        reader.drain(Duration.ofMillis(500));
        assertThat(reader.records.size() - before).isEqualTo(r.changes());
        FhirReplay fhir = new FhirReplay().apply(reader.records);
        assertThat(fhir.rejected + fhir.waiting).isZero();
        assertThat(fhir.state.keySet()).anyMatch(k -> k.startsWith("Observation/"))
                .anyMatch(k -> k.startsWith("MedicationRequest/")).anyMatch(k -> k.startsWith("Condition/"))
                .anyMatch(k -> k.startsWith("DocumentReference/")).anyMatch(k -> k.startsWith("Encounter/"));
    }

    private static double gauge(String name) {
        return REGISTRY.get(name).gauge().value();
    }

    private static long confirmedFlushLsn() throws SQLException {
        try (Connection c = pg.connect("ehr");
                ResultSet rs = c.createStatement().executeQuery("SELECT pg_wal_lsn_diff(confirmed_flush_lsn, '0/0')"
                        + " FROM pg_replication_slots WHERE slot_name = 'ehrflow_slot'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The tables the connector's snapshot metrics report rows for (JMX RowsScanned keys). */
    private static Set<String> scannedTables() throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<String> tables = new HashSet<>();
        for (ObjectName n : server.queryNames(new ObjectName(
                "debezium.postgres:type=connector-metrics,context=snapshot,*"), null)) {
            if (server.getAttribute(n, "RowsScanned") instanceof TabularData t) {
                t.values().forEach(row -> tables.add(String.valueOf(((CompositeData) row).get("key"))));
            }
        }
        return tables;
    }
}
