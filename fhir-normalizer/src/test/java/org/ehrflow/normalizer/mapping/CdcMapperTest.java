package org.ehrflow.normalizer.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ehrflow.normalizer.mapping.Fixtures.cdc;
import static org.ehrflow.normalizer.mapping.Fixtures.json;
import static org.ehrflow.normalizer.mapping.Fixtures.mapped;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.ehrflow.normalizer.error.ReasonCodes;
import org.ehrflow.normalizer.mapping.cdc.CdcMapper;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.RecordOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

public class CdcMapperTest {

    static final CdcMapper MAPPER = new CdcMapper(PatientKeyResolver.defaults(),
            PatientKeyResolver.DEFAULT_MRN_SYSTEM, "EHR");
    static final String KEY = PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "12345");
    static final Map<String, String> KNOWN = Map.of("ehr-patient:7", KEY, "ehr-encounter:3",
            Ids.encounter(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "V100"));

    /** A Debezium envelope (JsonConverter, schemas off) for one row of table {@code table}. */
    public static String envelope(String op, String table, String row) {
        String before = op.equals("d") ? row : "null";
        String after = op.equals("d") ? "null" : row;
        return "{\"before\":" + before + ",\"after\":" + after + ",\"source\":{\"db\":\"ehr\",\"schema\":\"ehr\","
                + "\"table\":\"" + table + "\",\"lsn\":4242,\"ts_ms\":1767225600000,\"snapshot\":\"false\"},"
                + "\"op\":\"" + op + "\",\"ts_ms\":1767225600500}";
    }

    // patients row: id, mrn, names, birth_date as epoch days (3700 = 1980-02-18), sex, phone
    public static final String PATIENT_ROW = "{\"id\":7,\"mrn\":\"12345\",\"family_name\":\"Doe\",\"given_name\":\"Jane\","
            + "\"birth_date\":3700,\"sex\":\"female\",\"phone\":\"555-0100\",\"updated_at\":\"2026-01-01T00:00:00Z\"}";
    // encounters row: visit_number V100 (the same visit HL7 PV1-19 V100^^^HOSP names)
    public static final String ENCOUNTER_ROW = "{\"id\":3,\"patient_id\":7,\"visit_number\":\"V100\",\"class\":\"emergency\","
            + "\"status\":\"finished\",\"reason\":\"chest pain\",\"started_at\":\"2026-01-02T03:04:05.123456Z\","
            + "\"ended_at\":null}";
    public static String noteRow(String status) {
        return "{\"id\":11,\"patient_id\":7,\"encounter_id\":3,\"note_type\":\"Progress note\",\"author\":\"Dr A\","
                + "\"written_at\":\"2026-01-02T05:00:00Z\",\"status\":\"" + status + "\",\"body\":\"Feels better.\"}";
    }

    @ParameterizedTest
    @CsvSource({"c", "r", "u"})
    void patientRow(String op) {
        MappingResult r = MAPPER.map("ehr-patient:7", cdc(envelope(op, "patients", PATIENT_ROW)), LinkLookup.NONE);
        FhirRecord p = mapped(r).get(0);
        assertThat(p.patientKey()).isEqualTo(KEY); // patients.mrn in the MRN system
        assertThat(p.resourceId()).isEqualTo(Ids.patient(KEY));
        assertThat(p.versionId()).isEqualTo("4242"); // source.lsn
        assertThat(p.provenance().eventTime()).isEqualTo(Instant.ofEpochMilli(1767225600000L)); // source.ts_ms
        assertThat(p.provenance().sourceMessageId()).isEqualTo("ehr.patients:4242:7");
        JsonNode j = json(p);
        assertThat(j.at("/identifier/0/system").asText()).isEqualTo(PatientKeyResolver.DEFAULT_MRN_SYSTEM);
        assertThat(j.at("/identifier/0/value").asText()).isEqualTo("12345"); // mrn
        assertThat(j.at("/name/0/family").asText()).isEqualTo("Doe"); // family_name
        assertThat(j.at("/birthDate").asText()).isEqualTo("1980-02-18"); // birth_date epoch days
        assertThat(j.at("/gender").asText()).isEqualTo("female"); // sex
        assertThat(j.at("/telecom/0/value").asText()).isEqualTo("555-0100"); // phone
        assertThat(((MappingResult.Mapped) r).learned()).containsEntry("ehr-patient:7", KEY);
    }

    @Test
    void encounterWaitsForPatientThenMapsWithTheSharedVisitId() {
        String env = envelope("c", "encounters", ENCOUNTER_ROW);
        assertThat(MAPPER.map("ehr-patient:7", cdc(env), LinkLookup.NONE))
                .isEqualTo(new MappingResult.AwaitingLink("ehr-patient:7"));
        MappingResult r = MAPPER.map("ehr-patient:7", cdc(env), Fixtures.links(KNOWN));
        FhirRecord e = mapped(r).get(0);
        assertThat(e.resourceId()).isEqualTo(Ids.encounter(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "V100"));
        JsonNode j = json(e);
        assertThat(j.at("/class/code").asText()).isEqualTo("EMER"); // class emergency
        assertThat(j.at("/status").asText()).isEqualTo("finished"); // status
        assertThat(j.at("/reasonCode/0/text").asText()).isEqualTo("chest pain"); // reason
        assertThat(j.at("/period/start").asText()).startsWith("2026-01-02T03:04:05"); // started_at
        assertThat(((MappingResult.Mapped) r).learned()).containsEntry("ehr-encounter:3", e.resourceId());
    }

    @Test
    void noteMapsToDocumentReference() {
        FhirRecord d = mapped(MAPPER.map("ehr-patient:7", cdc(envelope("c", "notes", noteRow("final"))),
                Fixtures.links(KNOWN))).get(0);
        assertThat(d.reference()).isEqualTo("DocumentReference/cdc-note-11"); // notes.id
        assertThat(d.encounterId()).isEqualTo(KNOWN.get("ehr-encounter:3")); // encounter_id via learned link
        JsonNode j = json(d);
        assertThat(j.at("/type/text").asText()).isEqualTo("Progress note"); // note_type
        assertThat(j.at("/docStatus").asText()).isEqualTo("final"); // status
        assertThat(j.at("/date").asText()).isEqualTo("2026-01-02T05:00:00Z"); // written_at
        assertThat(new String(Base64.getDecoder().decode(j.at("/content/0/attachment/data").asText()),
                StandardCharsets.UTF_8)).isEqualTo("Feels better."); // body
        assertThat(j.at("/context/encounter/0/reference").asText()).isEqualTo("Encounter/" + d.encounterId());
    }

    @Test
    void noteWaitsForItsEncounter() {
        assertThat(MAPPER.map("ehr-patient:7", cdc(envelope("c", "notes", noteRow("final"))),
                Fixtures.links(Map.of("ehr-patient:7", KEY))))
                .isEqualTo(new MappingResult.AwaitingLink("ehr-encounter:3"));
    }

    @ParameterizedTest
    @CsvSource({"d,final", "u,entered-in-error"})
    void deleteAndEnteredInErrorBecomeDelete(String op, String status) {
        FhirRecord d = mapped(MAPPER.map("ehr-patient:7", cdc(envelope(op, "notes", noteRow(status))),
                Fixtures.links(KNOWN))).get(0);
        assertThat(d.op()).isEqualTo(RecordOp.DELETE);
        assertThat(d.reference()).isEqualTo("DocumentReference/cdc-note-11");
        assertThat(d.resourceJson()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "not json;CDC_PARSE_ERROR",
            "[1];CDC_INVALID_ENVELOPE",
            "{\"op\":\"t\",\"source\":{}};CDC_UNSUPPORTED_OP",
            "{\"op\":\"c\",\"after\":{\"id\":1},\"source\":{\"table\":\"audit\"}};CDC_UNSUPPORTED_TABLE",
            "{\"op\":\"c\",\"after\":{\"id\":1,\"mrn\":null},\"source\":{\"table\":\"patients\"}};CDC_NO_PATIENT_ID"})
    void rejections(String payload, String reason) {
        assertThat(MAPPER.map("k", cdc(payload), LinkLookup.NONE)).isInstanceOf(MappingResult.Rejected.class)
                .extracting(r -> ((MappingResult.Rejected) r).reasonCode()).isEqualTo(reason);
        assertThat(reason).isIn(ReasonCodes.CDC_PARSE_ERROR, ReasonCodes.CDC_INVALID_ENVELOPE,
                ReasonCodes.CDC_UNSUPPORTED_OP, ReasonCodes.CDC_UNSUPPORTED_TABLE, ReasonCodes.CDC_NO_PATIENT_ID);
    }
}
