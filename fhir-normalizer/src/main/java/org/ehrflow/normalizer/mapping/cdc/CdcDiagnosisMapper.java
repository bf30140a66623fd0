package org.ehrflow.normalizer.mapping.cdc;

import java.util.List;
import java.util.Map;
import org.ehrflow.normalizer.mapping.Ids;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Reference;

/**
 * {@code ehr.diagnoses} -> Condition "cdc-diagnoses-&lt;id&gt;": ICD-10-CM code with the description as display
 * and text, category (encounter-diagnosis / problem-list-item), clinical and verification status (HL7 code
 * systems), onset = onset_date, recordedDate. Verification entered-in-error and deletes become DELETE.
 */
final class CdcDiagnosisMapper {

    MappingResult map(CdcEvent e, LinkLookup links) {
        String verification = e.text("verification_status");
        boolean delete = e.isDelete() || "entered-in-error".equals(verification);
        CdcRowLinks l = CdcRowLinks.resolve(e, links, !delete);
        if (l.waiting() != null) {
            return l.waiting();
        }
        String id = CdcRowLinks.resourceId(e);
        if (delete) {
            return MappingResult.Mapped.of(List.of(e.delete(l.patientKey(), "Condition", id, null)));
        }
        Condition c = new Condition();
        c.setId(id);
        c.setClinicalStatus(CdcCodes.concept(CdcCodes.CONDITION_CLINICAL, e.text("clinical_status"), null));
        c.setVerificationStatus(CdcCodes.concept(CdcCodes.CONDITION_VERIFICATION, verification, null));
        if (e.text("category") != null) {
            c.addCategory(CdcCodes.concept(CdcCodes.CONDITION_CATEGORY, e.text("category"), null));
        }
        c.setCode(CdcCodes.concept(CdcCodes.ICD10CM, e.text("icd10_code"), e.text("description")));
        c.setSubject(new Reference("Patient/" + Ids.patient(l.patientKey())));
        if (l.encounterId() != null) {
            c.setEncounter(new Reference("Encounter/" + l.encounterId()));
        }
        c.setOnset(CdcCodes.date(e, "onset_date"));
        c.setRecordedDateElement(CdcCodes.dateTime(e, "recorded_at"));
        return new MappingResult.Mapped(List.of(e.upsert(l.patientKey(), c, l.encounterId())), Map.of(), Map.of());
    }
}
