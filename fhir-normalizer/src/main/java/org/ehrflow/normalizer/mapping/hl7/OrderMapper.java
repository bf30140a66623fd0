package org.ehrflow.normalizer.mapping.hl7;

import java.util.ArrayList;
import java.util.List;
import org.ehrflow.hl7.Hl7Fields;
import org.ehrflow.hl7.Segment;
import org.ehrflow.schemas.FhirRecord;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;

/**
 * ORM^O01, OML^O21, RDE^O11 (and pre-2.4 RDE^O01), VXU^V04: one resource per order group (an ORC and its detail
 * segment): OBR -> ServiceRequest, RXO/RXE (+RXR) -> MedicationRequest, RXA (+RXR) -> Immunization; NTE after the
 * detail -> its note; OBX in the group -> Observation (ask-at-order-entry answers, vaccine eligibility), keyed
 * {@code "order|" + orderKey} so they never collide with the results of the same order; SPM -> Specimen; DG1, AL1
 * and PR1 as in ADT. An RXA with action code RXA-21 D is a DELETE of that Immunization. Issue 17: RSP^K11 (an
 * immunization history answer: RXA as in VXU), OMG^O19 (general order: ORC + OBR), RDS^O13 (each RXD ->
 * MedicationDispense) and, built with {@code administrations}, RAS^O17 (each RXA -> MedicationAdministration).
 */
final class OrderMapper implements MessageMapper {

    private final boolean administrations;

    /** @param administrations RXA is a medication administration (RAS), not an immunization (VXU, RSP^K11) */
    OrderMapper(boolean administrations) {
        this.administrations = administrations;
    }

    @Override
    public List<FhirRecord> map(Hl7Context ctx) {
        return new Run(ctx, administrations).map();
    }

    /** One order group at a time. */
    private static final class Run {
        private final Hl7Context ctx;
        private final List<FhirRecord> out = new ArrayList<>();
        private Segment orc;
        private Segment detail;
        private Segment rxr;
        private final List<String> notes = new ArrayList<>();
        private final List<Segment> obx = new ArrayList<>();
        private final List<Segment> events = new ArrayList<>();
        private final boolean administrations;
        private int groups;
        private int specimens;

        Run(Hl7Context ctx, boolean administrations) {
            this.ctx = ctx;
            this.administrations = administrations;
        }

        List<FhirRecord> map() {
            boolean seenPid = false;
            for (Segment s : ctx.segments()) {
                switch (s.getName()) {
                    case "PID" -> {
                        if (seenPid) {
                            flush();
                            return out; // one message, one patient
                        }
                        seenPid = true;
                    }
                    case "ORC" -> {
                        flush();
                        orc = ctx.use(s);
                    }
                    case "RXD" -> events.add(ctx.use(s));
                    case "RXA" -> {
                        if (administrations) {
                            events.add(ctx.use(s));
                        } else {
                            detail(s);
                        }
                    }
                    case "OBR", "RXO", "RXE" -> detail(s);
                    case "RXR" -> rxr = rxr == null ? ctx.use(s) : rxr;
                    case "NTE" -> {
                        String text = Hl7Fields.get(s, 3); // NTE.3
                        if (text != null && (detail != null || orc != null)) {
                            ctx.use(s);
                            notes.add(text);
                        }
                    }
                    case "OBX" -> obx.add(ctx.use(s));
                    case "SPM" -> out.add(ctx.upsert(OrderSegments.specimen(ctx.use(s), orderKey(), ++specimens,
                            ctx)));
                    case "DG1", "AL1", "PR1" -> clinical(s);
                    default -> {
                    }
                }
            }
            flush();
            return out;
        }

        private void detail(Segment s) {
            if (detail != null || !events.isEmpty()) {
                flush();
            }
            detail = ctx.use(s);
        }

        private void clinical(Segment s) {
            Resource r = switch (s.getName()) {
                case "DG1" -> ClinicalSegments.diagnosis(s, ctx);
                case "AL1" -> ClinicalSegments.allergy(s, ctx);
                default -> ClinicalSegments.procedure(s, ctx);
            };
            if (r != null) {
                ctx.use(s);
                out.add(ctx.upsert(r));
            }
        }

        private String orderKey() {
            return DiagnosticReportSegmentMapper.orderKey(detail != null && detail.getName().equals("OBR") ? detail
                    : null, orc, groups + 1, ctx);
        }

        private void flush() {
            if (orc == null && detail == null && obx.isEmpty() && events.isEmpty()) {
                return;
            }
            String key = orderKey();
            groups++;
            String requestId = null;
            if (detail != null) {
                FhirRecord r = detailRecord(key);
                if (r != null) {
                    out.add(r);
                    requestId = r.resourceType().equals("MedicationRequest") ? r.resourceId() : null;
                }
            }
            int n = 0;
            for (Segment e : events) {
                out.add(ctx.upsert(e.getName().equals("RXD") ? PharmacyEvents.dispense(e, rxr, key, ++n, requestId, ctx)
                        : PharmacyEvents.administration(e, rxr, key, ++n, requestId, ctx)));
            }
            events.clear();
            int position = 0;
            for (Segment s : obx) {
                out.add(ctx.upsert(ObservationSegmentMapper.map(s, "order|" + key, ++position, null, ctx)));
            }
            orc = null;
            detail = null;
            rxr = null;
            notes.clear();
            obx.clear();
        }

        private FhirRecord detailRecord(String key) {
            DomainResource r = switch (detail.getName()) {
                case "OBR" -> OrderSegments.serviceRequest(orc, detail, key, ctx);
                case "RXA" -> OrderSegments.immunization(detail, rxr, key, ctx);
                default -> OrderSegments.medicationRequest(orc, detail, rxr, key, ctx);
            };
            if (detail.getName().equals("RXA") && "D".equalsIgnoreCase(Hl7Fields.get(detail, 21))) { // RXA.21
                return ctx.delete("Immunization", r.getIdElement().getIdPart());
            }
            for (String n : notes) {
                Annotation a = new Annotation().setText(n);
                if (r instanceof ServiceRequest sr) {
                    sr.addNote(a);
                } else if (r instanceof MedicationRequest mr) {
                    mr.addNote(a);
                } else if (r instanceof Immunization im) {
                    im.addNote(a);
                }
            }
            return ctx.upsert(r);
        }
    }
}
