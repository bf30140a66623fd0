package org.ehrflow.normalizer.mapping.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ehrflow.normalizer.mapping.Fixtures.json;
import static org.ehrflow.normalizer.mapping.Fixtures.one;
import static org.ehrflow.normalizer.mapping.hl7.Hl7TestMessages.MRN_KEY;
import static org.ehrflow.normalizer.mapping.hl7.Hl7TestMessages.PID;
import static org.ehrflow.normalizer.mapping.hl7.Hl7TestMessages.PV1;
import static org.ehrflow.normalizer.mapping.hl7.Hl7TestMessages.msh;
import static org.ehrflow.normalizer.mapping.hl7.Hl7TestMessages.records;

import java.util.List;
import org.ehrflow.normalizer.mapping.Ids;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.RecordOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Cancels, deletes, merges and replacements as explicit records (issue: semantics downstream can act on). */
class Hl7EventSemanticsTest {

    @ParameterizedTest
    @CsvSource({
        "ADT^A11^ADT_A09, 2.5.1, cancelled, false",   // cancel admit: status cancelled, the record stays
        "ADT^A11, 2.3, cancelled, false",
        "ADT^A13^ADT_A01, 2.5.1, in-progress, true",   // cancel discharge: open again, PV1.45 ignored
        "ADT^A03^ADT_A03, 2.6, finished, false",       // discharge: finished (PV1.45 set)
        "ADT^A01^ADT_A01, 2.8, finished, false"})
    void encounterStatusFollowsTheEvent(String type, String version, String status, boolean noEnd) {
        List<FhirRecord> out = records(msh(type, version), "EVN||20240102", PID, PV1);

        FhirRecord enc = one(out, "Encounter");
        assertThat(enc.op()).isEqualTo(RecordOp.UPSERT);
        assertThat(json(enc).at("/status").asText()).isEqualTo(status);
        assertThat(json(enc).at("/period/end").isMissingNode()).isEqualTo(noEnd);
        assertThat(enc.resourceId()).isEqualTo(Ids.encounter(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "V100"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ADT^A29^ADT_A21", "ADT^A29"})
    void a29DeletesThePatientOnly(String type) {
        List<FhirRecord> out = records(msh(type, "2.5.1"), "EVN||20240102", PID, PV1);

        assertThat(out).singleElement().satisfies(r -> {
            assertThat(r.op()).isEqualTo(RecordOp.DELETE);
            assertThat(r.reference()).isEqualTo("Patient/" + Ids.patient(MRN_KEY));
            assertThat(r.patientKey()).isEqualTo(MRN_KEY);
            assertThat(r.resourceJson()).isNull();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"ADT^A40^ADT_A39", "ADT^A34^ADT_A30", "ADT^A40"})
    void mergeIsKeyedByTheRetiredPatientWithTheSurvivorAsTarget(String type) {
        // MRG.1 prior patient identifier 99999 of HOSP (typed MR): the retired patient
        List<FhirRecord> out = records(msh(type, "2.5.1"), "EVN||20240102", PID, "MRG|99999^^^HOSP^MR");
        String retired = PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "99999");

        assertThat(out).extracting(FhirRecord::op).containsExactly(RecordOp.UPSERT, RecordOp.MERGE);
        FhirRecord merge = out.get(1);
        assertThat(merge.patientKey()).isEqualTo(retired);
        assertThat(merge.targetPatientKey()).isEqualTo(MRN_KEY);
        assertThat(merge.reference()).isEqualTo("Patient/" + Ids.patient(retired));
        assertThat(out.get(0).patientKey()).isEqualTo(MRN_KEY); // the survivor's Patient
    }

    @Test
    void mergeOfAPatientIntoItselfEmitsNoMerge() {
        List<FhirRecord> out = records(msh("ADT^A40", "2.5.1"), PID, "MRG|12345^^^HOSP^MR"); // MRG.1 = PID.3

        assertThat(out).extracting(FhirRecord::op).containsExactly(RecordOp.UPSERT);
    }

    // OBR.3 filler order F1; OBX.3 LOINC glucose; OBX.5 value; OBX.11 result status
    private static String[] oru(String value, String status) {
        return new String[] {msh("ORU^R01^ORU_R01", "2.5.1"), PID, "OBR|1||F1^LAB|2345-7^Glucose^LN",
            "OBX|1|NM|2345-7^Glucose^LN||" + value + "|mg/dL|||||" + status};
    }

    @Test
    void correctedResultReplacesTheOriginalUnderTheSameId() {
        FhirRecord original = one(records(oru("90", "F")), "Observation");
        FhirRecord corrected = one(records(oru("95", "C")), "Observation");

        assertThat(corrected.resourceId()).isEqualTo(original.resourceId());
        assertThat(corrected.op()).isEqualTo(RecordOp.UPSERT);
        assertThat(json(corrected).at("/status").asText()).isEqualTo("corrected");
        assertThat(json(corrected).at("/valueQuantity/value").decimalValue()).isEqualByComparingTo("95");
    }

    @ParameterizedTest
    @ValueSource(strings = {"D", "W"}) // OBX.11 D deleted, W wrong (entered in error)
    void deletedOrWrongResultIsADelete(String status) {
        FhirRecord original = one(records(oru("90", "F")), "Observation");
        List<FhirRecord> out = records(oru("90", status));

        FhirRecord obs = one(out, "Observation");
        assertThat(obs.op()).isEqualTo(RecordOp.DELETE);
        assertThat(obs.resourceId()).isEqualTo(original.resourceId());
        assertThat(json(one(out, "DiagnosticReport")).at("/result").isMissingNode()).isTrue();
    }

    // TXA.2 type PN; TXA.12 unique document number DOC1 of HOSP; TXA.13 parent document; TXA.17 completion;
    // TXA.19 availability
    private static String txa(String parent, String availability) {
        return "TXA|1|PN|TX|20240102||20240102||||||DOC1^HOSP|" + parent + "||||AU||" + availability;
    }

    @ParameterizedTest
    @CsvSource({"MDM^T11^MDM_T01, AV", "MDM^T11, ''", "MDM^T02^MDM_T02, CA"})
    void cancelOrCanceledAvailabilityDeletesTheDocument(String type, String availability) {
        List<FhirRecord> out = records(msh(type, "2.5.1"), "EVN||20240102", PID, txa("", availability),
                "OBX|1|TX|||text"); // OBX.5 text

        assertThat(out).extracting(FhirRecord::op).containsExactly(RecordOp.UPSERT, RecordOp.DELETE);
        assertThat(out.get(1).reference()).isEqualTo("DocumentReference/" + Ids.documentReference("HOSP", "DOC1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"MDM^T08^MDM_T02", "MDM^T04^MDM_T02", "MDM^T02"})
    void editWithContentReplacesUnderTheSameId(String type) {
        FhirRecord doc = one(records(msh(type, "2.5.1"), PID, txa("", "AV"), "OBX|1|TX|||edited"), "DocumentReference");

        assertThat(doc.op()).isEqualTo(RecordOp.UPSERT);
        assertThat(doc.resourceId()).isEqualTo(Ids.documentReference("HOSP", "DOC1"));
    }

    @Test
    void replacementDeletesTheParentAndPointsAtIt() {
        // T10: document DOC1 replaces DOC0 (TXA.13)
        List<FhirRecord> out = records(msh("MDM^T10^MDM_T02", "2.5.1"), PID, txa("DOC0^HOSP", "AV"),
                "OBX|1|TX|||new text");

        String parent = Ids.documentReference("HOSP", "DOC0");
        assertThat(out).extracting(FhirRecord::op).containsExactly(RecordOp.UPSERT, RecordOp.DELETE, RecordOp.UPSERT);
        assertThat(out.get(1).reference()).isEqualTo("DocumentReference/" + parent);
        assertThat(json(out.get(2)).at("/relatesTo/0/code").asText()).isEqualTo("replaces");
        assertThat(json(out.get(2)).at("/relatesTo/0/target/reference").asText())
                .isEqualTo("DocumentReference/" + parent);
    }

    @ParameterizedTest
    @ValueSource(strings = {"MDM^T03", "MDM^T07", "MDM^T09"})
    void notificationWithoutContentDoesNotBlankTheDocument(String type) {
        List<FhirRecord> out = records(msh(type, "2.5.1"), PID, txa("", "AV"));

        assertThat(out).extracting(FhirRecord::resourceType).containsExactly("Patient");
    }
}
