package org.ehrflow.normalizer.mapping.hl7;

import java.util.ArrayList;
import java.util.List;
import org.ehrflow.hl7.Hl7Fields;
import org.ehrflow.hl7.Segment;
import org.ehrflow.schemas.FhirRecord;
import org.hl7.fhir.r4.model.Resource;

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

    /** The message's segments in order; one {@link OrderGroup} at a time. */
    private static final class Run {
        private final Hl7Context ctx;
        private final boolean administrations;
        private final List<FhirRecord> out = new ArrayList<>();
        private final OrderGroup group;
        private int groups;
        private int specimens;

        Run(Hl7Context ctx, boolean administrations) {
            this.ctx = ctx;
            this.administrations = administrations;
            this.group = new OrderGroup(ctx);
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
                        group.orc(ctx.use(s));
                    }
                    case "RXD" -> group.event(ctx.use(s));
                    case "RXA" -> {
                        if (administrations) {
                            group.event(ctx.use(s));
                        } else {
                            detail(s);
                        }
                    }
                    case "OBR", "RXO", "RXE" -> detail(s);
                    case "RXR" -> group.route(ctx.use(s));
                    case "NTE" -> {
                        if (group.note(Hl7Fields.get(s, 3))) { // NTE.3
                            ctx.use(s);
                        }
                    }
                    case "OBX" -> group.observation(ctx.use(s));
                    case "SPM" -> out.add(ctx.upsert(OrderSegments.specimen(ctx.use(s), group.orderKey(groups + 1),
                            ++specimens, ctx)));
                    case "DG1", "AL1", "PR1" -> clinical(s);
                    default -> {
                    }
                }
            }
            flush();
            return out;
        }

        private void detail(Segment s) {
            if (group.full()) {
                flush();
            }
            group.detail(ctx.use(s));
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

        private void flush() {
            if (!group.empty()) {
                out.addAll(group.flush(++groups));
            }
        }
    }
}
