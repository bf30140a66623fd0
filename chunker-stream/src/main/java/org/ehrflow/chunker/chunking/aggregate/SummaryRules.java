package org.ehrflow.chunker.chunking.aggregate;

import java.util.Set;
import org.ehrflow.chunker.chunking.model.ResourceRefs;
import org.ehrflow.chunker.chunking.render.Rendered;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Resource;

/**
 * Which resources belong in the patient summary: conditions that are active (or have no clinical status and no
 * abatement) and not refuted; medication requests that are active or on hold and statements that are active or
 * intended; allergies that are active (or have no clinical status) and not refuted.
 */
public final class SummaryRules {

    private static final Set<String> ACTIVE_CONDITION = Set.of("active", "recurrence", "relapse");
    private static final Set<String> REFUTED = Set.of("refuted", "entered-in-error");

    private SummaryRules() {
    }

    /** The summary item {@code r} contributes, or null when it contributes none (now). */
    public static Fact item(Resource r, Rendered rendered) {
        String ref = r.fhirType() + "/" + r.getIdElement().getIdPart();
        String category = category(r);
        return category == null ? null
                : new Fact(ref, category, rendered.date(), ResourceRefs.clinicalTime(r), rendered.text());
    }

    private static String category(Resource r) {
        if (r instanceof Condition c) {
            boolean active = c.hasClinicalStatus() ? has(c.getClinicalStatus(), ACTIVE_CONDITION) : !c.hasAbatement();
            return active && !has(c.getVerificationStatus(), REFUTED) ? PatientSummary.PROBLEM : null;
        }
        if (r instanceof MedicationRequest m) {
            return m.hasStatus() && Set.of("active", "on-hold").contains(m.getStatus().toCode())
                    ? PatientSummary.MEDICATION : null;
        }
        if (r instanceof MedicationStatement m) {
            return m.hasStatus() && Set.of("active", "intended").contains(m.getStatus().toCode())
                    ? PatientSummary.MEDICATION : null;
        }
        if (r instanceof AllergyIntolerance a) {
            boolean active = !a.hasClinicalStatus() || has(a.getClinicalStatus(), Set.of("active"));
            return active && !has(a.getVerificationStatus(), REFUTED) ? PatientSummary.ALLERGY : null;
        }
        return null;
    }

    private static boolean has(CodeableConcept cc, Set<String> codes) {
        return cc != null && cc.getCoding().stream().anyMatch(c -> codes.contains(c.getCode()));
    }
}
