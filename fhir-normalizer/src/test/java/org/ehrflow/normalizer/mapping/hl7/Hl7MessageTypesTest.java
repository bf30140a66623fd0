package org.ehrflow.normalizer.mapping.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ehrflow.normalizer.mapping.Fixtures.json;
import static org.ehrflow.normalizer.mapping.Fixtures.one;
import static org.ehrflow.normalizer.mapping.hl7.Hl7TestMessages.PID;
import static org.ehrflow.normalizer.mapping.hl7.Hl7TestMessages.PV1;
import static org.ehrflow.normalizer.mapping.hl7.Hl7TestMessages.map;
import static org.ehrflow.normalizer.mapping.hl7.Hl7TestMessages.msh;
import static org.ehrflow.normalizer.mapping.hl7.Hl7TestMessages.records;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.ehrflow.normalizer.mapping.Ids;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.RecordOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Field-level tests of the tranche-1 message types and segments beyond PID/PV1/OBR/OBX/TXA. */
class Hl7MessageTypesTest {

    // AL1.2 type DA (drug), AL1.3 allergen, AL1.4 severity SV, AL1.5 reaction
    private static final String AL1 = "AL1|1|DA|70618^Penicillin^RXN|SV|Hives";
    // DG1.3 diagnosis I10 code, DG1.6 type F (final)
    private static final String DG1 = "DG1|1||J18.9^Pneumonia^I10||20240101|F";
    // PR1.3 procedure code, PR1.5 time
    private static final String PR1 = "PR1|1||0BH17EZ^Intubation^I10P||20240101090000";
    // NK1.2 name, NK1.3 relationship SPO, NK1.5 phone
    private static final String NK1 = "NK1|1|Doe^John|SPO^Spouse|1 Main St^^Springfield|555-0300";
    // PD1.4 primary care provider (XCN)
    private static final String PD1 = "PD1||||77^Welby^Marcus";
    // PV2.3 admit reason
    private static final String PV2 = "PV2|||CP^Chest pain";

    @ParameterizedTest
    @ValueSource(strings = {"ADT^A01^ADT_A01", "ADT^A02", "ADT^A05^ADT_A05", "ADT^A06", "ADT^A07", "ADT^A09",
        "ADT^A10", "ADT^A12", "ADT^A28^ADT_A05", "ADT^A31^ADT_A05"})
    void adtMapsPatientLevelClinicalSegments(String type) {
        List<FhirRecord> out = records(msh(type, "2.5.1"), "EVN||20240102", PID, PD1, NK1, PV1, PV2, AL1, DG1, PR1,
                "OBX|1|NM|29463-7^Weight^LN||70|kg"); // OBX.5 weight

        assertThat(out).extracting(FhirRecord::resourceType).containsExactly("Patient", "Encounter",
                "AllergyIntolerance", "Condition", "Procedure", "Observation");
        JsonNode patient = json(one(out, "Patient"));
        assertThat(patient.at("/contact/0/name/family").asText()).isEqualTo("Doe");
        assertThat(patient.at("/contact/0/relationship/0/coding/0/code").asText()).isEqualTo("SPO");
        assertThat(patient.at("/generalPractitioner/0/display").asText()).isEqualTo("Marcus Welby");
        assertThat(json(one(out, "Encounter")).at("/reasonCode/0/coding/0/code").asText()).isEqualTo("CP");
        JsonNode allergy = json(one(out, "AllergyIntolerance"));
        assertThat(allergy.at("/category/0").asText()).isEqualTo("medication");
        assertThat(allergy.at("/criticality").asText()).isEqualTo("high");
        assertThat(allergy.at("/code/coding/0/system").asText())
                .isEqualTo("http://www.nlm.nih.gov/research/umls/rxnorm");
        assertThat(allergy.at("/reaction/0/manifestation/0/text").asText()).isEqualTo("Hives");
        JsonNode condition = json(one(out, "Condition"));
        assertThat(condition.at("/verificationStatus/coding/0/code").asText()).isEqualTo("confirmed");
        assertThat(condition.at("/category/0/coding/0/code").asText()).isEqualTo("encounter-diagnosis");
        assertThat(condition.at("/encounter/reference").asText()).startsWith("Encounter/enc-");
        assertThat(json(one(out, "Procedure")).at("/performedDateTime").asText()).startsWith("2024-01-01T09:00");
        assertThat(unmapped(msh(type, "2.5.1"), PID, PV1, AL1, "IN1|1|PLAN1", "ZXY|1")) // IN1, Z segment: counted
                .containsEntry("IN1", 1).containsEntry("ZXY", 1).doesNotContainKeys("AL1", "PID", "PV1", "MSH");
    }

    @Test
    void factIdsDoNotDependOnSetIdsOrMessage() {
        String a = one(records(msh("ADT^A08", "2.5.1"), PID, AL1), "AllergyIntolerance").resourceId();
        String b = one(records(msh("ADT^A31", "2.5.1").replace("MSG0001", "MSG0002"), PID,
                AL1.replace("AL1|1|", "AL1|7|")), "AllergyIntolerance").resourceId();

        assertThat(a).isEqualTo(b);
    }

    // ORC.1 order control, ORC.2 placer P1, ORC.5 order status, ORC.9 transaction time, ORC.12 ordering provider
    private static String orc(String control, String status) {
        return "ORC|" + control + "|P1^EHR||" + "|" + status + "||||20240102|||1001^House^Gregory";
    }

    @ParameterizedTest
    @CsvSource({"ORM^O01^ORM_O01, NW, '', active", "ORM^O01, CA, '', revoked", "OML^O21^OML_O21, NW, CM, completed",
        "ORM^O01, NW, HD, on-hold"})
    void orderMapsServiceRequest(String type, String control, String status, String fhirStatus) {
        List<FhirRecord> out = records(msh(type, "2.5.1"), PID, PV1, orc(control, status),
                "OBR|1|||24317-0^Hemogram^LN|||20240102080000", // OBR.4 service, OBR.7 time
                "NTE|1||fasting", // NTE.3 note on the order
                "OBX|1|ST|Q1^Fasting?^L||yes", // ask-at-order-entry answer
                "SPM|1|S1&LAB||BLD^Blood^HL70487|||||||||||||20240102075500"); // SPM.2 id, SPM.4 type, SPM.17 time

        FhirRecord sr = one(out, "ServiceRequest");
        JsonNode j = json(sr);
        assertThat(sr.resourceId()).isEqualTo(Ids.of("sr", "ServiceRequest", "placer|EHR|P1"));
        assertThat(j.at("/status").asText()).isEqualTo(fhirStatus);
        assertThat(j.at("/intent").asText()).isEqualTo("order");
        assertThat(j.at("/code/coding/0/code").asText()).isEqualTo("24317-0");
        assertThat(j.at("/identifier/0/value").asText()).isEqualTo("P1");
        assertThat(j.at("/requester/display").asText()).isEqualTo("Gregory House");
        assertThat(j.at("/note/0/text").asText()).isEqualTo("fasting");
        assertThat(json(one(out, "Observation")).at("/valueString").asText()).isEqualTo("yes");
        JsonNode spm = json(one(out, "Specimen"));
        assertThat(spm.at("/type/coding/0/code").asText()).isEqualTo("BLD");
        assertThat(spm.at("/collection/collectedDateTime").asText()).startsWith("2024-01-02T07:55");
    }

    @ParameterizedTest
    @ValueSource(strings = {"RDE^O11^RDE_O11", "RDE^O01"})
    void pharmacyOrderMapsMedicationRequest(String type) {
        List<FhirRecord> out = records(msh(type, "2.5.1"), PID, orc("NW", ""),
                // RXE.2 give code, RXE.3 amount, RXE.5 units, RXE.10 dispense amount, RXE.12 refills
                "RXE||197361^Amlodipine 5 MG^RXN|5||mg|||||30||2",
                "RXR|PO^Oral^HL70162"); // RXR.1 route

        JsonNode mr = json(one(out, "MedicationRequest"));
        assertThat(mr.at("/medicationCodeableConcept/coding/0/code").asText()).isEqualTo("197361");
        assertThat(mr.at("/dosageInstruction/0/doseAndRate/0/doseQuantity/value").decimalValue())
                .isEqualByComparingTo("5");
        assertThat(mr.at("/dosageInstruction/0/route/coding/0/code").asText()).isEqualTo("PO");
        assertThat(mr.at("/dispenseRequest/numberOfRepeatsAllowed").asInt()).isEqualTo(2);
        assertThat(mr.at("/status").asText()).isEqualTo("active");
    }

    @ParameterizedTest
    @CsvSource({"CP, A, completed, UPSERT", "RE, A, not-done, UPSERT", "CP, D, completed, DELETE"})
    void vaccinationMapsImmunization(String completion, String action, String status, RecordOp op) {
        List<FhirRecord> out = records(msh("VXU^V04^VXU_V04", "2.5.1"), PID, "ORC|RE||IZ1^EHR",
                // RXA.3 time, RXA.5 CVX code, RXA.6 amount, RXA.7 units, RXA.15 lot, RXA.20 completion, RXA.21 action
                "RXA|0|1|20240102||208^COVID-19 vaccine^CVX|0.3|mL^^UCUM||||||||LOT1|||||" + completion + "|" + action,
                "RXR|IM^Intramuscular^HL70162"); // RXR.1 route

        FhirRecord imm = one(out, "Immunization");
        assertThat(imm.op()).isEqualTo(op);
        assertThat(imm.resourceId()).isEqualTo(Ids.of("imm", "Immunization", "filler|EHR|IZ1"));
        if (op == RecordOp.UPSERT) {
            JsonNode j = json(imm);
            assertThat(j.at("/status").asText()).isEqualTo(status);
            assertThat(j.at("/vaccineCode/coding/0/system").asText()).isEqualTo("http://hl7.org/fhir/sid/cvx");
            assertThat(j.at("/lotNumber").asText()).isEqualTo("LOT1");
            assertThat(j.at("/route/coding/0/code").asText()).isEqualTo("IM");
        }
    }

    @ParameterizedTest
    @CsvSource({"SIU^S12^SIU_S12, '', booked", "SIU^S13, '', booked", "SIU^S14, '', booked",
        "SIU^S15^SIU_S12, '', cancelled", "SIU^S12, Noshow, noshow",
        // issue 17: the rest of the family (discontinue, delete, service/resource-level changes, no-show event)
        "SIU^S16, '', cancelled", "SIU^S17, '', entered-in-error", "SIU^S18, '', booked", "SIU^S22, '', booked",
        "SIU^S24, '', booked", "SIU^S26, '', noshow"})
    void schedulingMapsAppointment(String type, String fillerStatus, String status) {
        List<FhirRecord> out = records(msh(type, "2.5.1"),
                // SCH.1 placer id, SCH.2 filler id A1, SCH.7 reason, SCH.9 duration, SCH.25 filler status
                "SCH|PA1|A1^CLINIC|||||ROUTINE^Routine visit||30|MIN" + "|".repeat(15) + fillerStatus,
                PID, "AIS|1||99213^Office visit^C4|20240110090000|||30", // AIS.3 service, AIS.4 start, AIS.7 minutes
                "AIP|1||1001^House^Gregory", // AIP.3 person
                "AIL|1||Clinic 3", // AIL.3 location
                "NTE|1||bring list of medications"); // NTE.3

        FhirRecord appt = one(out, "Appointment");
        JsonNode j = json(appt);
        assertThat(appt.resourceId()).isEqualTo(Ids.of("appt", "Appointment", "filler", "CLINIC", "A1"));
        assertThat(j.at("/status").asText()).isEqualTo(status);
        assertThat(j.at("/start").asText()).isEqualTo("2024-01-10T09:00:00Z");
        assertThat(j.at("/end").asText()).isEqualTo("2024-01-10T09:30:00Z");
        assertThat(j.at("/serviceType/0/coding/0/code").asText()).isEqualTo("99213");
        assertThat(j.at("/participant").findValuesAsText("display")).contains("Gregory House", "Clinic 3");
        assertThat(j.at("/comment").asText()).isEqualTo("bring list of medications");
    }

    @Test
    void oruNotesAndEmbeddedDocumentsLand() {
        List<FhirRecord> out = records(msh("ORU^R01^ORU_R01", "2.5.1"), PID, "OBR|1||F1^LAB|11502-2^Lab report^LN",
                "NTE|1||specimen slightly hemolysed", // NTE after OBR -> report conclusion
                "OBX|1|NM|2345-7^Glucose^LN||90|mg/dL", "NTE|1||repeat advised", // NTE after OBX -> its note
                "OBX|2|ED|PDF^Report||^application^pdf^Base64^SGVsbG8="); // ED -> presentedForm

        JsonNode dr = json(one(out, "DiagnosticReport"));
        assertThat(dr.at("/conclusion").asText()).isEqualTo("specimen slightly hemolysed");
        assertThat(dr.at("/presentedForm/0/contentType").asText()).isEqualTo("application/pdf");
        assertThat(dr.at("/presentedForm/0/data").asText()).isEqualTo("SGVsbG8=");
        assertThat(json(one(out, "Observation")).at("/note/0/text").asText()).isEqualTo("repeat advised");
    }

    private static Map<String, Integer> unmapped(String... segments) {
        return ((MappingResult.Mapped) map(segments)).unmapped();
    }
}
