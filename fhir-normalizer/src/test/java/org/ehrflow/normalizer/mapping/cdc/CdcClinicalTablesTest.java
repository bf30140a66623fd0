package org.ehrflow.normalizer.mapping.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ehrflow.normalizer.mapping.CdcMapperTest.envelope;
import static org.ehrflow.normalizer.mapping.Fixtures.cdc;
import static org.ehrflow.normalizer.mapping.Fixtures.json;
import static org.ehrflow.normalizer.mapping.Fixtures.mapped;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.ehrflow.normalizer.mapping.FhirJson;
import org.ehrflow.normalizer.mapping.Fixtures;
import org.ehrflow.normalizer.mapping.Ids;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.ehrflow.runtime.identity.IdentifierCandidate;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.RecordOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The V3 clinical tables (lab results, medication orders, allergies, diagnoses) -> FHIR R4. */
class CdcClinicalTablesTest {

    static final CdcMapper MAPPER = new CdcMapper(PatientKeyResolver.defaults(),
            PatientKeyResolver.DEFAULT_MRN_SYSTEM, "EHR");
    static final String KEY = PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "12345");
    static final String ENC = Ids.encounter(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "V100");
    static final LinkLookup KNOWN = Fixtures.links(Map.of("ehr-patient:7", KEY, "ehr-encounter:3", ENC));

    // lab_results row 21 of patient 7 in encounter 3: glucose 182 mg/dL, flag H; double precision -> JSON number
    static String lab(String status, String value) {
        return "{\"id\":21,\"patient_id\":7,\"encounter_id\":3,\"loinc_code\":\"2345-7\",\"test_name\":\"Glucose\","
                + "\"value_numeric\":" + value
                        + ",\"value_text\":null,\"unit\":\"mg/dL\",\"reference_range\":\"70-99\","
                + "\"abnormal_flag\":\"H\",\"status\":\"" + status + "\",\"collected_at\":\"2026-01-02T06:00:00Z\","
                + "\"resulted_at\":\"2026-01-02T07:30:00.5Z\",\"updated_at\":\"2026-01-02T07:30:00.5Z\"}";
    }

    // medication_orders row 31: metformin 500 mg oral twice daily
    static String order(String status) {
        return "{\"id\":31,\"patient_id\":7,\"encounter_id\":3,\"rxnorm_code\":\"860975\","
                + "\"medication_name\":\"Metformin 500 MG Oral Tablet\",\"dose\":\"500 mg\",\"route\":\"oral\","
                + "\"frequency\":\"twice daily\",\"status\":\"" + status + "\",\"prescriber\":\"Dr B\","
                + "\"ordered_at\":\"2026-01-02T08:00:00Z\"}";
    }

    // allergies row 41: penicillin, hives, no encounter column
    static String allergy(String verification) {
        return "{\"id\":41,\"patient_id\":7,\"substance_code\":\"764146007\",\"substance\":\"Penicillin\","
                + "\"reaction\":\"Hives\",\"severity\":\"moderate\",\"criticality\":\"high\",\"clinical_status\":\"active\","
                + "\"verification_status\":\"" + verification + "\",\"recorded_at\":\"2026-01-02T09:00:00Z\"}";
    }

    // diagnoses row 51: E11.9, onset_date 20454 = 2026-01-01 (epoch days)
    static String diagnosis(String verification, String encounter) {
        return "{\"id\":51,\"patient_id\":7,\"encounter_id\":" + encounter + ",\"icd10_code\":\"E11.9\","
                + "\"description\":\"Type 2 diabetes mellitus without complications\",\"category\":\"encounter-diagnosis\","
                + "\"clinical_status\":\"active\",\"verification_status\":\"" + verification + "\","
                + "\"onset_date\":20454,\"recorded_at\":\"2026-01-02T10:00:00Z\"}";
    }

    static FhirRecord one(String op, String table, String row) {
        return mapped(MAPPER.map("ehr-patient:7", cdc(envelope(op, table, row)), KNOWN)).get(0);
    }

    @Test
    void labResultToObservation() {
        FhirRecord r = one("c", "lab_results", lab("final", "182.0"));
        assertThat(r.reference()).isEqualTo("Observation/cdc-lab-results-21"); // deterministic cdc-<table>-<id>
        assertThat(r.patientKey()).isEqualTo(KEY);
        assertThat(r.encounterId()).isEqualTo(ENC);
        assertThat(r.provenance().sourceMessageId()).isEqualTo("ehr.lab_results:4242:21");
        JsonNode j = json(r);
        assertThat(j.at("/status").asText()).isEqualTo("final");
        assertThat(j.at("/category/0/coding/0/code").asText()).isEqualTo("laboratory");
        assertThat(j.at("/code/coding/0/system").asText()).isEqualTo("http://loinc.org");
        assertThat(j.at("/code/coding/0/code").asText()).isEqualTo("2345-7");
        assertThat(j.at("/valueQuantity/value").decimalValue()).isEqualByComparingTo("182");
        assertThat(j.at("/valueQuantity/code").asText()).isEqualTo("mg/dL");
        assertThat(j.at("/referenceRange/0/text").asText()).isEqualTo("70-99");
        assertThat(j.at("/interpretation/0/coding/0/code").asText()).isEqualTo("H");
        assertThat(j.at("/effectiveDateTime").asText()).isEqualTo("2026-01-02T06:00:00Z");
        assertThat(j.at("/encounter/reference").asText()).isEqualTo("Encounter/" + ENC);
        assertThat(j.at("/subject/reference").asText()).isEqualTo("Patient/" + Ids.patient(KEY));
    }

    @Test
    void correctionReplacesTheSameObservationAndNumericStringsParse() {
        FhirRecord first = one("c", "lab_results", lab("final", "182.0"));
        // a later numeric column arrives as a decimal string (decimal.handling.mode=string)
        FhirRecord corrected = one("u", "lab_results", lab("corrected", "\"128.50\""));
        assertThat(corrected.resourceId()).isEqualTo(first.resourceId());
        assertThat(corrected.op()).isEqualTo(RecordOp.UPSERT);
        assertThat(json(corrected).at("/status").asText()).isEqualTo("corrected");
        assertThat(json(corrected).at("/valueQuantity/value").decimalValue()).isEqualByComparingTo("128.50");
    }

    @Test
    void medicationOrderToMedicationRequestAndCancellationKeepsIt() {
        FhirRecord r = one("c", "medication_orders", order("active"));
        assertThat(r.reference()).isEqualTo("MedicationRequest/cdc-medication-orders-31");
        JsonNode j = json(r);
        assertThat(j.at("/status").asText()).isEqualTo("active");
        assertThat(j.at("/intent").asText()).isEqualTo("order");
        assertThat(j.at("/medicationCodeableConcept/coding/0/code").asText()).isEqualTo("860975"); // rxnorm_code
        assertThat(j.at("/dosageInstruction/0/text").asText()).isEqualTo("500 mg oral twice daily");
        assertThat(j.at("/authoredOn").asText()).isEqualTo("2026-01-02T08:00:00Z");
        assertThat(j.at("/requester/display").asText()).isEqualTo("Dr B");
        FhirRecord cancelled = one("u", "medication_orders", order("cancelled"));
        assertThat(cancelled.op()).isEqualTo(RecordOp.UPSERT);
        assertThat(json(cancelled).at("/status").asText()).isEqualTo("cancelled");
    }

    @Test
    void allergyToAllergyIntolerance() {
        FhirRecord r = one("c", "allergies", allergy("confirmed"));
        assertThat(r.reference()).isEqualTo("AllergyIntolerance/cdc-allergies-41");
        assertThat(r.encounterId()).isNull();
        JsonNode j = json(r);
        assertThat(j.at("/clinicalStatus/coding/0/code").asText()).isEqualTo("active");
        assertThat(j.at("/verificationStatus/coding/0/code").asText()).isEqualTo("confirmed");
        assertThat(j.at("/code/coding/0/code").asText()).isEqualTo("764146007");
        assertThat(j.at("/code/text").asText()).isEqualTo("Penicillin");
        assertThat(j.at("/criticality").asText()).isEqualTo("high");
        assertThat(j.at("/reaction/0/manifestation/0/text").asText()).isEqualTo("Hives");
        assertThat(j.at("/reaction/0/severity").asText()).isEqualTo("moderate");
        assertThat(j.at("/patient/reference").asText()).isEqualTo("Patient/" + Ids.patient(KEY));
    }

    @Test
    void diagnosisToCondition() {
        FhirRecord r = one("r", "diagnoses", diagnosis("confirmed", "3"));
        assertThat(r.reference()).isEqualTo("Condition/cdc-diagnoses-51");
        JsonNode j = json(r);
        assertThat(j.at("/code/coding/0/system").asText()).isEqualTo("http://hl7.org/fhir/sid/icd-10-cm");
        assertThat(j.at("/code/coding/0/code").asText()).isEqualTo("E11.9");
        assertThat(j.at("/category/0/coding/0/code").asText()).isEqualTo("encounter-diagnosis");
        assertThat(j.at("/clinicalStatus/coding/0/code").asText()).isEqualTo("active");
        assertThat(j.at("/verificationStatus/coding/0/code").asText()).isEqualTo("confirmed");
        assertThat(j.at("/onsetDateTime").asText()).isEqualTo("2026-01-01");
        assertThat(j.at("/encounter/reference").asText()).isEqualTo("Encounter/" + ENC);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "lab_results|Observation|cdc-lab-results-21",
            "medication_orders|MedicationRequest|cdc-medication-orders-31",
            "allergies|AllergyIntolerance|cdc-allergies-41",
            "diagnoses|Condition|cdc-diagnoses-51"})
    void deletesBecomeDeleteWithoutNeedingTheEncounter(String table, String type, String id) {
        // only the patient link is known: a delete must not wait for the encounter
        LinkLookup patientOnly = Fixtures.links(Map.of("ehr-patient:7", KEY));
        FhirRecord d = mapped(MAPPER.map("ehr-patient:7", cdc(envelope("d", table, row(table))), patientOnly)).get(0);
        assertThat(d.op()).isEqualTo(RecordOp.DELETE);
        assertThat(d.resourceType()).isEqualTo(type);
        assertThat(d.resourceId()).isEqualTo(id);
        assertThat(d.resourceJson()).isNull();
        assertThat(d.patientKey()).isEqualTo(KEY);
    }

    @Test
    void enteredInErrorBecomesDelete() {
        assertThat(one("u", "lab_results", lab("entered-in-error", "1")).op()).isEqualTo(RecordOp.DELETE);
        assertThat(one("u", "medication_orders", order("entered-in-error")).op()).isEqualTo(RecordOp.DELETE);
        assertThat(one("u", "allergies", allergy("entered-in-error")).op()).isEqualTo(RecordOp.DELETE);
        assertThat(one("u", "diagnoses", diagnosis("entered-in-error", "3")).op()).isEqualTo(RecordOp.DELETE);
    }

    @Test
    void waitsForPatientThenEncounter() {
        String env = envelope("c", "lab_results", lab("final", "1"));
        assertThat(MAPPER.map("ehr-patient:7", cdc(env), LinkLookup.NONE))
                .isEqualTo(new MappingResult.AwaitingLink("ehr-patient:7"));
        assertThat(MAPPER.map("ehr-patient:7", cdc(env), Fixtures.links(Map.of("ehr-patient:7", KEY))))
                .isEqualTo(new MappingResult.AwaitingLink("ehr-encounter:3"));
        // a diagnosis on the problem list (no encounter) needs only the patient
        assertThat(mapped(MAPPER.map("ehr-patient:7", cdc(envelope("c", "diagnoses", diagnosis("provisional",
                "null"))), Fixtures.links(Map.of("ehr-patient:7", KEY)))).get(0).encounterId()).isNull();
    }

    @Test
    void samePatientKeyAsHl7AndFhirForTheSameMrn() {
        // HL7 PID-3 12345^^^HOSP^MR and FHIR identifier {DEFAULT_MRN_SYSTEM, 12345} resolve to this key
        String hl7 = PatientKeyResolver.defaults().patientKey(List.of(
                new IdentifierCandidate(null, "HOSP", "MR", "12345"))).orElseThrow();
        assertThat(hl7).isEqualTo(KEY);
        assertThat(one("c", "allergies", allergy("confirmed")).patientKey()).isEqualTo(hl7);
    }

    @Test
    void everyResourceParsesBackAsR4() {
        for (String[] t : new String[][] {{"lab_results", lab("final", "5")}, {"medication_orders", order("active")},
                {"allergies", allergy("confirmed")}, {"diagnoses", diagnosis("confirmed", "3")}}) {
            FhirRecord r = one("c", t[0], t[1]);
            assertThat(FhirJson.parser().parseResource(r.resourceJson()).fhirType()).isEqualTo(r.resourceType());
        }
    }

    static String row(String table) {
        return switch (table) {
            case "lab_results" -> lab("final", "1");
            case "medication_orders" -> order("active");
            case "allergies" -> allergy("confirmed");
            default -> diagnosis("confirmed", "3");
        };
    }
}
