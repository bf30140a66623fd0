package org.ehrflow.normalizer.mapping.hl7;

import java.util.ArrayList;
import java.util.List;
import org.ehrflow.hl7.Hl7Fields;
import org.ehrflow.hl7.Segment;
import org.ehrflow.schemas.FhirRecord;
import org.hl7.fhir.r4.model.Observation;

/**
 * ORU^R01: a DiagnosticReport per OBR and an Observation per OBX under it (by segment order). OBX segments before
 * the first OBR become Observations of the message without a report. NTE after an OBX -> Observation.note, NTE
 * after an OBR -> DiagnosticReport.conclusion; a Base64 ED OBX -> DiagnosticReport.presentedForm; SPM -> Specimen; ORC
 * is read through the OBR. A corrected result
 * (OBX-11 C) has the id of the original and replaces it; a deleted or wrong one (OBX-11 D, W) becomes a DELETE of
 * that Observation. Stops at a second PID: one message, one patient.
 */
final class OruMapper implements MessageMapper {

    @Override
    public List<FhirRecord> map(Hl7Context ctx) {
        return new Run(ctx).map();
    }

    /** The state of one message: the open OBR, its results, and the last OBX (for NTE). */
    private static final class Run {
        private final Hl7Context ctx;
        private final List<FhirRecord> out = new ArrayList<>();
        private Segment obr;
        private String orderKey;
        private int obrCount;
        private int specimens;
        private List<Observation> results = new ArrayList<>();
        private List<String> reportNotes = new ArrayList<>();
        private List<org.hl7.fhir.r4.model.Attachment> presented = new ArrayList<>();
        private Observation last;

        Run(Hl7Context ctx) {
            this.ctx = ctx;
            this.orderKey = "msg|" + ctx.header().sendingSystem() + "|" + ctx.header().controlId() + "|0";
        }

        List<FhirRecord> map() {
            boolean seenPid = false;
            Segment orc = null;
            for (Segment s : ctx.segments()) {
                switch (s.getName()) {
                    case "PID" -> {
                        if (seenPid) {
                            flushReport();
                            return out;
                        }
                        seenPid = true;
                    }
                    case "ORC" -> orc = ctx.use(s);
                    case "OBR" -> {
                        flushReport();
                        obr = ctx.use(s);
                        obrCount++;
                        orderKey = DiagnosticReportSegmentMapper.orderKey(s, orc, obrCount, ctx);
                        orc = null;
                    }
                    case "OBX" -> observation(ctx.use(s));
                    case "NTE" -> note(ctx.use(s));
                    case "SPM" -> out.add(ctx.upsert(OrderSegments.specimen(ctx.use(s), orderKey, ++specimens, ctx)));
                    default -> {
                    }
                }
            }
            flushReport();
            return out;
        }

        private void observation(Segment obx) {
            flushObservation();
            // OBX.2 ED: an embedded report (PDF, image); RP: a pointer to one (ObxAttachments)
            org.hl7.fhir.r4.model.Attachment embedded = obr != null ? ObxAttachments.of(obx) : null;
            if (embedded != null) {
                presented.add(embedded);
                return;
            }
            Observation o = ObservationSegmentMapper.map(obx, orderKey, results.size() + 1,
                    obr == null ? null : Hl7Fields.get(obr, 7), ctx); // OBR.7
            results.add(o);
            last = o;
        }

        private void note(Segment nte) {
            String text = Hl7Fields.get(nte, 3); // NTE.3 comment
            if (text == null) {
                return;
            }
            if (last != null) {
                last.addNote().setText(text);
            } else if (obr != null) {
                reportNotes.add(text);
            } else {
                ctx.unuse(nte); // a patient-level note: no resource here to carry it
            }
        }

        private void flushObservation() {
            if (last == null) {
                return;
            }
            Observation.ObservationStatus st = last.getStatus();
            if (st == Observation.ObservationStatus.ENTEREDINERROR) {
                out.add(ctx.delete("Observation", last.getIdElement().getIdPart()));
                results.remove(last);
            } else {
                out.add(ctx.upsert(last));
            }
            last = null;
        }

        private void flushReport() {
            flushObservation();
            if (obr != null) {
                org.hl7.fhir.r4.model.DiagnosticReport dr = DiagnosticReportSegmentMapper.map(obr, orderKey, results,
                        reportNotes, ctx);
                presented.forEach(dr::addPresentedForm);
                out.add(ctx.upsert(dr));
            }
            results = new ArrayList<>();
            reportNotes = new ArrayList<>();
            presented = new ArrayList<>();
        }
    }
}
