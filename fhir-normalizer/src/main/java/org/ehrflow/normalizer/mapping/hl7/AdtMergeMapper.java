package org.ehrflow.normalizer.mapping.hl7;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ehrflow.hl7.Segment;
import org.ehrflow.schemas.FhirRecord;

/**
 * ADT^A34 / ADT^A40 (merge patient identifier / patient list): per PID + MRG pair, a MERGE record keyed by the
 * retired patient's key (MRG-1, read by the PID-3 rule) whose target is the surviving key (the pair's PID-3).
 * The surviving Patient (first PID) is upserted by the caller. A pair whose MRG-1 keys nothing, or keys the
 * surviving patient itself, yields no MERGE (counted as unmapped MRG).
 */
final class AdtMergeMapper implements MessageMapper {

    @Override
    public List<FhirRecord> map(Hl7Context ctx) {
        List<FhirRecord> out = new ArrayList<>();
        String survivor = ctx.patientKey();
        for (Segment s : ctx.segments()) {
            if (s.getName().equals("PID")) {
                ctx.use(s);
                survivor = PatientSegmentMapper.keyOf(s, 3, ctx).orElse(null); // PID.3 of this pair
            } else if (s.getName().equals("MRG") && survivor != null) {
                Optional<String> retired = PatientSegmentMapper.keyOf(s, 1, ctx); // MRG.1 prior patient id list
                if (retired.isPresent() && !retired.get().equals(survivor)) {
                    ctx.use(s);
                    out.add(ctx.merge(retired.get(), survivor));
                }
            }
        }
        return out;
    }
}
