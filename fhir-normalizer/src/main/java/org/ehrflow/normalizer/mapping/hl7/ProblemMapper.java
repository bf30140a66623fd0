package org.ehrflow.normalizer.mapping.hl7;

import java.util.ArrayList;
import java.util.List;
import org.ehrflow.hl7.Hl7Fields;
import org.ehrflow.hl7.Segment;
import org.ehrflow.normalizer.mapping.Ids;
import org.ehrflow.schemas.FhirRecord;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;

/**
 * PPR^PC1/PC2/PC3 (problem add/update/delete): each PRB -> Condition (V2-to-FHIR IG "PRB[Condition]", category
 * problem-list-item): code PRB-3, id from the problem instance PRB-4 (else patient and code), onset PRB-16 else
 * PRB-7, abatement PRB-9 (then resolved, else active); action code PRB-1 DE deletes it.
 */
final class ProblemMapper implements MessageMapper {

    private static final String CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical";

    @Override
    public List<FhirRecord> map(Hl7Context ctx) {
        List<FhirRecord> out = new ArrayList<>();
        for (Segment prb : ctx.all("PRB")) {
            CodeableConcept code = Hl7Codes.concept(prb, 3, 0); // PRB.3 problem id
            if (code == null) {
                continue;
            }
            ctx.use(prb);
            String instance = Hl7Fields.get(prb, 4, 0, 1, 1); // PRB.4 problem instance id
            String id = instance != null ? Ids.of("prb", "Condition", "id", instance)
                    : Ids.of("prb", "Condition", ctx.patientKey(), ClinicalSegments.identity(code));
            if ("DE".equalsIgnoreCase(Hl7Fields.get(prb, 1))) { // PRB.1 action code
                out.add(ctx.delete("Condition", id));
                continue;
            }
            Condition c = new Condition();
            c.setId(id);
            c.setCode(code);
            c.setSubject(ctx.patientRef());
            c.addCategory(ClinicalSegments.concept("http://terminology.hl7.org/CodeSystem/condition-category",
                    "problem-list-item"));
            String onset = ctx.time().toDateTime(Hl7Fields.get(prb, 16)); // PRB.16 date of onset
            String established = ctx.time().toDateTime(Hl7Fields.get(prb, 7)); // PRB.7 established date/time
            if (onset != null || established != null) {
                c.getOnsetDateTimeType().setValueAsString(onset != null ? onset : established);
            }
            if (established != null) {
                c.getRecordedDateElement().setValueAsString(established);
            }
            String resolved = ctx.time().toDateTime(Hl7Fields.get(prb, 9)); // PRB.9 actual resolution date/time
            if (resolved != null) {
                c.getAbatementDateTimeType().setValueAsString(resolved);
            }
            c.setClinicalStatus(ClinicalSegments.concept(CLINICAL, resolved != null ? "resolved" : "active"));
            out.add(ctx.upsert(c));
        }
        return out;
    }
}
