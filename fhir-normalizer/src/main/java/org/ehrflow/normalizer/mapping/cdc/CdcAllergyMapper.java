package org.ehrflow.normalizer.mapping.cdc;

import java.util.List;
import java.util.Map;
import org.ehrflow.normalizer.mapping.Ids;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Reference;

/**
 * {@code ehr.allergies} -> AllergyIntolerance "cdc-allergies-&lt;id&gt;": SNOMED substance, clinical and
 * verification status (HL7 code systems), criticality, one reaction (manifestation text, severity),
 * recordedDate. No encounter. Verification entered-in-error and deletes become DELETE.
 */
final class CdcAllergyMapper {

    MappingResult map(CdcEvent e, LinkLookup links) {
        String verification = e.text("verification_status");
        boolean delete = e.isDelete() || "entered-in-error".equals(verification);
        CdcRowLinks l = CdcRowLinks.resolve(e, links, false);
        if (l.waiting() != null) {
            return l.waiting();
        }
        String id = CdcRowLinks.resourceId(e);
        if (delete) {
            return MappingResult.Mapped.of(List.of(e.delete(l.patientKey(), "AllergyIntolerance", id, null)));
        }
        AllergyIntolerance a = new AllergyIntolerance();
        a.setId(id);
        a.setClinicalStatus(CdcCodes.concept(CdcCodes.ALLERGY_CLINICAL, e.text("clinical_status"), null));
        a.setVerificationStatus(CdcCodes.concept(CdcCodes.ALLERGY_VERIFICATION, verification, null));
        a.setCode(CdcCodes.concept(CdcCodes.SNOMED, e.text("substance_code"), e.text("substance")));
        a.setPatient(new Reference("Patient/" + Ids.patient(l.patientKey())));
        String criticality = e.text("criticality");
        if (criticality != null) {
            try {
                a.setCriticality(AllergyIntolerance.AllergyIntoleranceCriticality.fromCode(criticality));
            } catch (org.hl7.fhir.exceptions.FHIRException ex) {
                // An unknown criticality is left out rather than guessed.
            }
        }
        String reaction = e.text("reaction");
        String severity = e.text("severity");
        if (reaction != null || severity != null) {
            AllergyIntolerance.AllergyIntoleranceReactionComponent r = a.addReaction();
            if (reaction != null) {
                r.addManifestation(new CodeableConcept().setText(reaction));
            }
            if (severity != null) {
                try {
                    r.setSeverity(AllergyIntolerance.AllergyIntoleranceSeverity.fromCode(severity));
                } catch (org.hl7.fhir.exceptions.FHIRException ex) {
                    // Unknown severity left out.
                }
            }
        }
        a.setRecordedDateElement(CdcCodes.dateTime(e, "recorded_at"));
        return new MappingResult.Mapped(List.of(e.upsert(l.patientKey(), a, null)), Map.of(), Map.of());
    }
}
