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
import org.hl7.fhir.r4.model.ServiceRequest;

/**
 * One order group of {@link OrderMapper} while it is read: the ORC, its detail segment (OBR, RXO, RXE or an RXA
 * immunization), the route RXR, notes, the group's OBX and its pharmacy events (RXD dispenses, RXA administrations);
 * {@link #flush} turns it into records and starts the next group.
 */
final class OrderGroup {

    private final Hl7Context ctx;
    private Segment orc;
    private Segment detail;
    private Segment rxr;
    private final List<String> notes = new ArrayList<>();
    private final List<Segment> obx = new ArrayList<>();
    private final List<Segment> events = new ArrayList<>();

    OrderGroup(Hl7Context ctx) {
        this.ctx = ctx;
    }

    void orc(Segment s) {
        orc = s;
    }

    /** Whether a new detail segment starts the next group (this one has a detail or events already). */
    boolean full() {
        return detail != null || !events.isEmpty();
    }

    void detail(Segment s) {
        detail = s;
    }

    void route(Segment s) {
        rxr = rxr == null ? s : rxr;
    }

    void event(Segment s) {
        events.add(s);
    }

    void observation(Segment s) {
        obx.add(s);
    }

    /** Keeps an NTE's text for the group's request; false when there is no order to carry it. */
    boolean note(String text) {
        if (text == null || (detail == null && orc == null)) {
            return false;
        }
        notes.add(text);
        return true;
    }

    /** The order key of this group, the {@code number}th of the message. */
    String orderKey(int number) {
        return DiagnosticReportSegmentMapper.orderKey(detail != null && detail.getName().equals("OBR") ? detail
                : null, orc, number, ctx);
    }

    /** Whether nothing of a group was read since the last flush. */
    boolean empty() {
        return orc == null && detail == null && obx.isEmpty() && events.isEmpty();
    }

    /** This group's records (an ORC alone has none), then a fresh group; call when not {@link #empty()}. */
    List<FhirRecord> flush(int number) {
        List<FhirRecord> out = new ArrayList<>();
        String key = orderKey(number);
        String requestId = null;
        if (detail != null) {
            FhirRecord r = detailRecord(key);
            out.add(r);
            requestId = r.resourceType().equals("MedicationRequest") ? r.resourceId() : null;
        }
        int n = 0;
        for (Segment e : events) {
            out.add(ctx.upsert(e.getName().equals("RXD") ? PharmacyEvents.dispense(e, rxr, key, ++n, requestId, ctx)
                    : PharmacyEvents.administration(e, rxr, key, ++n, requestId, ctx)));
        }
        int position = 0;
        for (Segment s : obx) {
            out.add(ctx.upsert(ObservationSegmentMapper.map(s, "order|" + key, ++position, null, ctx)));
        }
        orc = null;
        detail = null;
        rxr = null;
        notes.clear();
        obx.clear();
        events.clear();
        return out;
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
