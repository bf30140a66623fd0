package org.ehrflow.normalizer.mapping.hl7;

import ca.uhn.hl7v2.model.Segment;
import java.util.ArrayList;
import java.util.List;
import org.ehrflow.schemas.FhirRecord;
import org.hl7.fhir.r4.model.Observation;

/**
 * ORU^R01: a DiagnosticReport per OBR and an Observation per OBX under it (by segment order). OBX segments before
 * the first OBR become Observations of the message without a report. Stops at a second PID: one message, one
 * patient.
 */
final class OruMapper implements MessageMapper {

    @Override
    public List<FhirRecord> map(Hl7Context ctx) {
        List<FhirRecord> out = new ArrayList<>();
        Segment obr = null;
        String orderKey = "msg|" + ctx.header().sendingSystem() + "|" + ctx.header().controlId() + "|0";
        int obrCount = 0;
        List<Observation> results = new ArrayList<>();
        boolean seenPid = false;
        for (Segment s : ctx.segments()) {
            switch (s.getName()) {
                case "PID" -> {
                    if (seenPid) {
                        flush(obr, orderKey, results, ctx, out);
                        return out;
                    }
                    seenPid = true;
                }
                case "OBR" -> {
                    flush(obr, orderKey, results, ctx, out);
                    obr = s;
                    obrCount++;
                    orderKey = DiagnosticReportSegmentMapper.orderKey(s, obrCount, ctx);
                    results = new ArrayList<>();
                }
                case "OBX" -> {
                    Observation o = ObservationSegmentMapper.map(s, orderKey, results.size() + 1,
                            obr == null ? null : Hl7Fields.get(obr, 7), ctx);
                    results.add(o);
                    out.add(ctx.upsert(o));
                }
                default -> {
                }
            }
        }
        flush(obr, orderKey, results, ctx, out);
        return out;
    }

    private static void flush(Segment obr, String orderKey, List<Observation> results, Hl7Context ctx,
            List<FhirRecord> out) {
        if (obr != null) {
            out.add(ctx.upsert(DiagnosticReportSegmentMapper.map(obr, orderKey, results, ctx)));
        }
    }
}
