package org.ehrflow.normalizer.mapping.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ehrflow.normalizer.mapping.Fixtures.json;
import static org.ehrflow.normalizer.mapping.Fixtures.one;
import static org.ehrflow.normalizer.mapping.hl7.Hl7TestMessages.MRN_KEY;
import static org.ehrflow.normalizer.mapping.hl7.Hl7TestMessages.PID;
import static org.ehrflow.normalizer.mapping.hl7.Hl7TestMessages.map;
import static org.ehrflow.normalizer.mapping.hl7.Hl7TestMessages.msh;
import static org.ehrflow.normalizer.mapping.hl7.Hl7TestMessages.records;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.ehrflow.normalizer.error.ReasonCodes;
import org.ehrflow.normalizer.mapping.Ids;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.RecordOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 17: the message types added after tranche 1, minimal messages, field-tagged assertions. */
class Hl7BreadthTest {

    // PID.3 of the second patient: MRN 67890 of HOSP
    private static final String PID2 = "PID|2||67890^^^HOSP^MR||Roe^Richard||19700101|M";
    private static final String KEY2 = PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "67890");

    @Test
    void a24LinksBothPatientsEachToTheOther() {
        List<FhirRecord> out = records(msh("ADT^A24^ADT_A24", "2.5.1"), "EVN||20240102", PID, PID2);

        assertThat(out).extracting(FhirRecord::patientKey).containsExactly(MRN_KEY, KEY2);
        JsonNode first = json(out.get(0));
        JsonNode second = json(out.get(1));
        assertThat(first.at("/link/0/other/reference").asText()).isEqualTo("Patient/" + Ids.patient(KEY2));
        assertThat(first.at("/link/0/type").asText()).isEqualTo("seealso");
        assertThat(second.at("/link/0/other/reference").asText()).isEqualTo("Patient/" + Ids.patient(MRN_KEY));
        assertThat(second.at("/name/0/family").asText()).isEqualTo("Roe"); // PID[2].5
    }

    @Test
    void a37UpsertsBothPatientsWithoutLinks() {
        List<FhirRecord> out = records(msh("ADT^A37^ADT_A37", "2.5.1"), PID, PID2);

        assertThat(out).extracting(FhirRecord::patientKey).containsExactly(MRN_KEY, KEY2);
        assertThat(json(out.get(0)).has("link")).isFalse();
        assertThat(json(out.get(1)).has("link")).isFalse();
    }

    @Test
    void a47RetiresThePriorIdentifiersKey() {
        // MRG.1 prior patient identifier 99999 -> PID.3 12345
        List<FhirRecord> out = records(msh("ADT^A47^ADT_A30", "2.5.1"), PID, "MRG|99999^^^HOSP^MR");

        assertThat(out).extracting(FhirRecord::op).containsExactly(RecordOp.UPSERT, RecordOp.MERGE);
        assertThat(out.get(1).patientKey()).isEqualTo(PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "99999"));
        assertThat(out.get(1).targetPatientKey()).isEqualTo(MRN_KEY);
    }

    @Test
    void a60UpdatesAndDeletesAllergies() {
        List<FhirRecord> out = records(msh("ADT^A60^ADT_A60", "2.5.1"), PID,
                // IAM.2 type DA, IAM.3 allergen, IAM.4 severity SV, IAM.5 reaction, IAM.6 action A, IAM.11 onset
                "IAM|1|DA|70618^Penicillin^RXN|SV|Hives|A|||||20230105",
                "IAM|2|FA|256349002^Peanut^SCT|MI|Rash|D"); // IAM.6 D: delete

        assertThat(out).extracting(FhirRecord::op).containsExactly(RecordOp.UPSERT, RecordOp.UPSERT, RecordOp.DELETE);
        JsonNode a = json(out.get(1));
        assertThat(a.at("/code/coding/0/code").asText()).isEqualTo("70618");
        assertThat(a.at("/criticality").asText()).isEqualTo("high");
        assertThat(a.at("/reaction/0/manifestation/0/text").asText()).isEqualTo("Hives");
        assertThat(a.at("/onsetDateTime").asText()).isEqualTo("2023-01-05");
    }

    @Test
    void rspK11CarryingRxaMapsImmunizationsLikeVxu() {
        List<FhirRecord> out = records(msh("RSP^K11^RSP_K11", "2.5.1"), "MSA|AA|Q1", "QAK|Q1|OK",
                "QPD|Z34^Request Immunization History^CDCPHINVS|Q1", PID, "ORC|RE||IMM1",
                "RXA|0|1|20230301||08^HepB^CVX|0.5|mL||00^New^NIP001||||||L123|20250101|MSD^Merck^MVX|||CP",
                "RXR|IM^Intramuscular^HL70162"); // RXA.3 date, RXA.5 vaccine, RXA.15 lot, RXR.1 route

        JsonNode im = json(one(out, "Immunization"));
        assertThat(im.at("/vaccineCode/coding/0/code").asText()).isEqualTo("08");
        assertThat(im.at("/occurrenceDateTime").asText()).isEqualTo("2023-03-01");
        assertThat(im.at("/lotNumber").asText()).isEqualTo("L123");
        assertThat(im.at("/route/coding/0/code").asText()).isEqualTo("IM");
        assertThat(im.at("/status").asText()).isEqualTo("completed");
    }

    @Test
    void rdsMapsTheDispenseAgainstItsPrescription() {
        List<FhirRecord> out = records(msh("RDS^O13^RDS_O13", "2.5.1"), PID, "ORC|RE|P1|F1",
                "RXE||860975^Metformin 500 mg^RXN|500||mg", "RXR|PO^Oral^HL70162",
                // RXD.2 give code, RXD.3 dispensed at, RXD.4 amount, RXD.5 units, RXD.7 prescription number
                "RXD|1|860975^Metformin 500 mg^RXN|20240103101500|60|TAB||RX778");

        JsonNode md = json(one(out, "MedicationDispense"));
        String mr = one(out, "MedicationRequest").resourceId();
        assertThat(md.at("/medicationCodeableConcept/coding/0/code").asText()).isEqualTo("860975");
        assertThat(md.at("/whenHandedOver").asText()).isEqualTo("2024-01-03T10:15:00Z");
        assertThat(md.at("/quantity/value").asInt()).isEqualTo(60);
        assertThat(md.at("/quantity/unit").asText()).isEqualTo("TAB");
        assertThat(md.at("/identifier/0/value").asText()).isEqualTo("RX778");
        assertThat(md.at("/authorizingPrescription/0/reference").asText()).isEqualTo("MedicationRequest/" + mr);
        assertThat(md.at("/dosageInstruction/0/route/coding/0/code").asText()).isEqualTo("PO");
    }

    @Test
    void rasMapsAdministrationsNotImmunizations() {
        List<FhirRecord> out = records(msh("RAS^O17^RAS_O17", "2.5.1"), PID, "ORC|RE|P2|F2",
                // RXA.3/4 start/end, RXA.5 drug, RXA.6 amount, RXA.7 units, RXA.20 completion CP
                "RXA|0|1|20240104080000|20240104083000|1191^Aspirin^RXN|81|mg|||||||||||||CP",
                "RXR|PO^Oral^HL70162");

        assertThat(out).extracting(FhirRecord::resourceType).doesNotContain("Immunization");
        JsonNode ma = json(one(out, "MedicationAdministration"));
        assertThat(ma.at("/status").asText()).isEqualTo("completed");
        assertThat(ma.at("/medicationCodeableConcept/coding/0/code").asText()).isEqualTo("1191");
        assertThat(ma.at("/effectivePeriod/start").asText()).isEqualTo("2024-01-04T08:00:00Z");
        assertThat(ma.at("/effectivePeriod/end").asText()).isEqualTo("2024-01-04T08:30:00Z");
        assertThat(ma.at("/dosage/dose/value").asInt()).isEqualTo(81);
        assertThat(ma.at("/dosage/route/coding/0/code").asText()).isEqualTo("PO");
    }

    @Test
    void omgMapsTheGeneralOrder() {
        List<FhirRecord> out = records(msh("OMG^O19^OMG_O19", "2.5.1"), PID, "ORC|NW|P3",
                "OBR|1|P3||71046^Chest X-ray^CPT"); // OBR.4 service

        JsonNode sr = json(one(out, "ServiceRequest"));
        assertThat(sr.at("/code/coding/0/code").asText()).isEqualTo("71046");
        assertThat(sr.at("/intent").asText()).isEqualTo("order");
    }

    @Test
    void oulMapsObservationsLikeOru() {
        List<FhirRecord> out = records(msh("OUL^R22^OUL_R22", "2.5.1"), PID, "SPM|1|S1||BLD^Blood^HL70487",
                "OBR|1||F9^LAB|2345-7^Glucose^LN", "OBX|1|NM|2345-7^Glucose^LN||95|mg/dL|||||F"); // OBX.5 value

        JsonNode obs = json(one(out, "Observation"));
        assertThat(obs.at("/code/coding/0/code").asText()).isEqualTo("2345-7");
        assertThat(obs.at("/valueQuantity/value").asInt()).isEqualTo(95);
    }

    @Test
    void refMapsTheReferralAndItsDiagnosis() {
        List<FhirRecord> out = records(msh("REF^I12^REF_I12", "2.5.1"), PID,
                // RF1.1 status A, RF1.2 priority S, RF1.3 type, RF1.6 originating id R42, RF1.7 effective, RF1.10
                "RF1|A|S|CARD^Cardiology^L|||R42^HOSP|20240105|||CP^Chest pain^L",
                "DG1|1||I20.9^Angina^I10||20240101|W");

        JsonNode sr = json(one(out, "ServiceRequest"));
        assertThat(sr.at("/status").asText()).isEqualTo("active");
        assertThat(sr.at("/priority").asText()).isEqualTo("stat");
        assertThat(sr.at("/code/coding/0/code").asText()).isEqualTo("CARD");
        assertThat(sr.at("/category/0/coding/0/code").asText()).isEqualTo("3457005");
        assertThat(sr.at("/reasonCode/0/coding/0/code").asText()).isEqualTo("CP");
        assertThat(sr.at("/identifier/0/value").asText()).isEqualTo("R42");
        assertThat(sr.at("/occurrenceDateTime").asText()).isEqualTo("2024-01-05");
        assertThat(json(one(out, "Condition")).at("/code/coding/0/code").asText()).isEqualTo("I20.9");
    }

    @Test
    void pprMapsProblemsAndDeletesThem() {
        List<FhirRecord> out = records(msh("PPR^PC1^PPR_PC1", "2.5.1"), PID,
                // PRB.1 action AD, PRB.3 problem, PRB.4 instance P7, PRB.7 established, PRB.16 onset
                "PRB|AD|20240101|I10^Hypertension^I10|P7|||20240101|||||||||20231201",
                "PRB|DE|20240101|E11.9^Diabetes^I10|P8"); // PRB.1 DE: delete

        assertThat(out).extracting(FhirRecord::op).containsExactly(RecordOp.UPSERT, RecordOp.UPSERT, RecordOp.DELETE);
        JsonNode c = json(out.get(1));
        assertThat(c.at("/code/coding/0/code").asText()).isEqualTo("I10");
        assertThat(c.at("/category/0/coding/0/code").asText()).isEqualTo("problem-list-item");
        assertThat(c.at("/onsetDateTime").asText()).isEqualTo("2023-12-01");
        assertThat(c.at("/clinicalStatus/coding/0/code").asText()).isEqualTo("active");
        assertThat(out.get(2).resourceId()).isEqualTo(Ids.of("prb", "Condition", "id", "P8"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"BAR^P01", "DFT^P03", "ACK^A01", "MFN^M02", "QBP^Q11"})
    void billingAcksAndMasterFilesAreNotClinicalByDesign(String type) {
        MappingResult r = map(msh(type, "2.5.1"), PID);
        assertThat(r).isInstanceOf(MappingResult.Rejected.class);
        assertThat(((MappingResult.Rejected) r).reasonCode()).isEqualTo(ReasonCodes.HL7_NOT_CLINICAL);
    }

    @Test
    void charsetEscapesStayAsTextAndAreCounted() {
        // OBX.5 switches to ISO-IR 87 and back (\C2842\ ... \C2842\ is not decodable once the text is decoded)
        MappingResult r = map(msh("ORU^R01", "2.5.1"), PID, "OBR|1||F1^LAB|11502-2^Report^LN",
                "OBX|1|ST|8251-1^Note^LN||A\\M2442\\xyz\\M2842\\B");
        assertThat(r).isInstanceOf(MappingResult.Mapped.class);
        MappingResult.Mapped m = (MappingResult.Mapped) r;
        assertThat(m.unmapped()).containsEntry(Hl7v2Mapper.CHARSET_ESCAPE, 2);
        assertThat(json(one(m.records(), "Observation")).at("/valueString").asText())
                .isEqualTo("A\\M2442\\xyz\\M2842\\B");
    }

    // Issue 12: a document the sender keeps (OBX-2 RP, reference pointer) becomes an attachment by URL, which the
    // document extractor fetches; RP.1 absolute, or relative to RP.2's universal id (V2-to-FHIR OBX-5 RP).
    @Test
    void mdmWithAReferencePointerCarriesTheDocumentsUrl() {
        FhirRecord doc = one(records(msh("MDM^T02^MDM_T02", "2.5.1"), "EVN||20240102", PID,
                "TXA|1|DS|TX|20240102||20240102||||||DOC7^HOSP||||AU||AV",
                // RP.1 pointer, RP.2 application (namespace^universal id^type), RP.3 type of data, RP.4 subtype
                "OBX|1|RP|18842-5^Discharge summary^LN||Binary/ccda-77^DOCS&https://ehr.example.org/fhir&URI"
                        + "^TEXT^x-hl7-cda-level-one||||||F"), "DocumentReference");
        JsonNode a = json(doc).at("/content/0/attachment");
        assertThat(a.at("/url").asText()).isEqualTo("https://ehr.example.org/fhir/Binary/ccda-77");
        assertThat(a.at("/contentType").asText()).isEqualTo("application/hl7-v3+xml");
        assertThat(a.has("data")).isFalse();
    }

    @Test
    void oruWithAPdfPointerPresentsItAndAnImagePointerStaysUnmapped() {
        List<FhirRecord> out = records(msh("ORU^R01^ORU_R01", "2.5.1"), PID, "OBR|1||LAB9|11502-2^Lab report^LN",
                "OBX|1|RP|11502-2^Lab report^LN||https://lab.example.org/reports/9.pdf^^AP^PDF||||||F",
                "OBX|2|RP|SLIDE^Digital slide^L||https://lab.example.org/slides/9^^IM^MRXS||||||F");
        FhirRecord report = one(out, "DiagnosticReport");
        JsonNode pf = json(report).at("/presentedForm");
        assertThat(pf.size()).isEqualTo(1);
        assertThat(pf.at("/0/url").asText()).isEqualTo("https://lab.example.org/reports/9.pdf");
        assertThat(pf.at("/0/contentType").asText()).isEqualTo("application/pdf");
        // The slide is no document to read: an Observation without a value, as before.
        assertThat(out).extracting(FhirRecord::resourceType).contains("Observation");
    }

    @Test
    void aPointerOnlyTheSenderCanResolveIsNotMapped() {
        FhirRecord doc = one(records(msh("MDM^T02^MDM_T02", "2.5.1"), "EVN||20240102", PID,
                "TXA|1|DS|TX|20240102||20240102||||||DOC8^HOSP||||AU||AV",
                "OBX|1|RP|||DOC-0008^ARCHIVE^^^^AP^PDF||||||F"), "DocumentReference");
        assertThat(json(doc).at("/content/0/attachment").has("url")).isFalse();
    }
}
