package org.ehrflow.normalizer.mapping.hl7;

import java.util.ArrayList;
import java.util.List;
import org.ehrflow.hl7.Segment;
import org.ehrflow.schemas.FhirRecord;
import org.hl7.fhir.r4.model.Resource;

/**
 * ADT A01-A13, A28, A31: beyond Patient and Encounter (which every message gets; A11/A13 set the encounter's
 * status), AL1 -> AllergyIntolerance, DG1 -> Condition, PR1 -> Procedure, OBX -> Observation (e.g. height and
 * weight at admission, keyed by the message). IN1/GT1/ROL and other segments are counted as unmapped.
 */
final class AdtMapper implements MessageMapper {

    @Override
    public List<FhirRecord> map(Hl7Context ctx) {
        List<FhirRecord> out = new ArrayList<>();
        String orderKey = "msg|" + ctx.header().sendingSystem() + "|" + ctx.header().controlId() + "|0";
        int obx = 0;
        for (Segment s : ctx.segments()) {
            Resource r = switch (s.getName()) {
                case "AL1" -> ClinicalSegments.allergy(s, ctx);
                case "DG1" -> ClinicalSegments.diagnosis(s, ctx);
                case "PR1" -> ClinicalSegments.procedure(s, ctx);
                case "OBX" -> ObservationSegmentMapper.map(s, orderKey, ++obx, null, ctx);
                default -> null;
            };
            if (r != null) {
                ctx.use(s);
                out.add(ctx.upsert(r));
            }
        }
        return out;
    }
}
