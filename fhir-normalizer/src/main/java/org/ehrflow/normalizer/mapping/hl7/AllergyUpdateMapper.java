package org.ehrflow.normalizer.mapping.hl7;

import java.util.ArrayList;
import java.util.List;
import org.ehrflow.hl7.Hl7Fields;
import org.ehrflow.hl7.Segment;
import org.ehrflow.schemas.FhirRecord;
import org.hl7.fhir.r4.model.AllergyIntolerance;

/**
 * ADT^A60 (update adverse reaction information): each IAM -> AllergyIntolerance (V2-to-FHIR IG
 * "IAM[AllergyIntolerance]"). IAM-1 to IAM-5 are laid out like AL1 (type, allergen, severity, reaction), so the
 * AL1 mapping reads them; the onset is IAM-11, and action code IAM-6 D deletes the allergy.
 */
final class AllergyUpdateMapper implements MessageMapper {

    @Override
    public List<FhirRecord> map(Hl7Context ctx) {
        List<FhirRecord> out = new ArrayList<>();
        for (Segment iam : ctx.all("IAM")) {
            AllergyIntolerance a = ClinicalSegments.allergy(iam, ctx);
            if (a == null) {
                continue;
            }
            ctx.use(iam);
            if ("D".equalsIgnoreCase(Hl7Fields.get(iam, 6))) { // IAM.6 allergy action code
                out.add(ctx.delete("AllergyIntolerance", a.getIdElement().getIdPart()));
                continue;
            }
            a.setOnset(null); // AL1-6 is a date, IAM-6 the action code
            String onset = ctx.time().toDateTime(Hl7Fields.get(iam, 11)); // IAM.11 onset date
            if (onset != null) {
                a.getOnsetDateTimeType().setValueAsString(onset);
            }
            out.add(ctx.upsert(a));
        }
        return out;
    }
}
