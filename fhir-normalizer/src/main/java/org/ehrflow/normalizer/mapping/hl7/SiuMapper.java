package org.ehrflow.normalizer.mapping.hl7;

import java.math.BigDecimal;
import java.util.List;
import org.ehrflow.hl7.Hl7Fields;
import org.ehrflow.hl7.Segment;
import org.ehrflow.normalizer.mapping.CodeTable;
import org.ehrflow.normalizer.mapping.Ids;
import org.ehrflow.schemas.FhirRecord;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Reference;

/**
 * SIU S12-S26 (new, rescheduled, modified, cancelled, discontinued, deleted, service/resource changes, no-show) -> one
 * Appointment (V2-to-FHIR IG "SCH[Appointment]"): id
 * from the filler appointment id SCH-2, else the placer's SCH-1; status SCH-25 (table 0278), else by event (S15
 * cancelled); reason SCH-7, type SCH-8, start AIS-4 / SCH-11.4, duration AIS-7 / SCH-9 (minutes); participants
 * the patient and AIS service, AIG resource, AIL location, AIP person (as displays); NTE -> comment.
 */
final class SiuMapper implements MessageMapper {

    private static final CodeTable STATUS = CodeTable.load("appointment-status");

    @Override
    public List<FhirRecord> map(Hl7Context ctx) {
        Segment sch = ctx.use(ctx.first("SCH"));
        if (sch == null) {
            return List.of();
        }
        Appointment a = new Appointment();
        String filler = Hl7Fields.get(sch, 2, 0, 1, 1); // SCH.2.1 filler appointment id
        String placer = Hl7Fields.get(sch, 1, 0, 1, 1); // SCH.1.1 placer appointment id
        a.setId(filler != null ? Ids.of("appt", "Appointment", "filler", ns(sch, 2, ctx), filler)
                : placer != null ? Ids.of("appt", "Appointment", "placer", ns(sch, 1, ctx), placer)
                : Ids.of("appt", "Appointment", "msg", ctx.header().sendingSystem(), ctx.header().controlId()));
        if (filler != null) {
            a.addIdentifier().setSystem(ctx.systemFor(ns(sch, 2, ctx))).setValue(filler);
        }
        String status = STATUS.get(Hl7Fields.get(sch, 25)); // SCH.25 filler status code
        a.setStatus(Appointment.AppointmentStatus.fromCode(status != null ? status
                : STATUS.getOrDefault(ctx.header().event(), "booked")));
        CodeableConcept reason = Hl7Codes.concept(sch, 7, 0); // SCH.7 appointment reason
        if (reason != null) {
            a.addReasonCode(reason);
        }
        a.setAppointmentType(Hl7Codes.concept(sch, 8, 0)); // SCH.8 appointment type
        String start = Hl7Fields.get(sch, 11, 0, 4, 1); // SCH.11.4 TQ start
        String minutes = Hl7Fields.get(sch, 9); // SCH.9 duration
        a.addParticipant().setActor(ctx.patientRef()).setStatus(Appointment.ParticipationStatus.ACCEPTED);
        for (Segment s : ctx.segments()) {
            String display = switch (s.getName()) {
                case "AIS" -> {
                    CodeableConcept svc = Hl7Codes.concept(s, 3, 0); // AIS.3 universal service id
                    if (svc != null) {
                        a.addServiceType(svc);
                    }
                    start = first(Hl7Fields.get(s, 4), start); // AIS.4 start date/time
                    minutes = first(Hl7Fields.get(s, 7), minutes); // AIS.7 duration
                    yield null;
                }
                case "AIG" -> Hl7Fields.get(s, 3, 0, 2, 1) != null ? Hl7Fields.get(s, 3, 0, 2, 1)
                        : Hl7Fields.get(s, 3, 0, 1, 1); // AIG.3 resource id (text, else code)
                case "AIL" -> first(Hl7Fields.get(s, 3, 0, 1, 1), Hl7Fields.get(s, 4, 0, 2, 1)); // AIL.3 / AIL.4
                case "AIP" -> EncounterSegmentMapper.personName(s, 3); // AIP.3 personnel
                case "NTE" -> {
                    String text = Hl7Fields.get(s, 3); // NTE.3
                    if (text != null) {
                        a.setComment(a.hasComment() ? a.getComment() + "\n" + text : text);
                    }
                    yield null;
                }
                default -> null;
            };
            if (List.of("AIS", "AIG", "AIL", "AIP", "NTE").contains(s.getName())) {
                ctx.use(s);
            }
            if (display != null) {
                a.addParticipant().setActor(new Reference().setDisplay(display))
                        .setStatus(Appointment.ParticipationStatus.ACCEPTED);
            }
        }
        String when = ctx.time().toInstant(start) == null ? null : ctx.time().toInstant(start).toString();
        if (when != null) {
            a.getStartElement().setValueAsString(when);
            BigDecimal m = decimal(minutes);
            if (m != null) {
                a.setMinutesDuration(m.intValue());
                a.getEndElement().setValueAsString(ctx.time().toInstant(start).plusSeconds(m.longValue() * 60)
                        .toString());
            }
        }
        return List.of(ctx.upsert(a));
    }

    private static String ns(Segment sch, int field, Hl7Context ctx) {
        String ns = Hl7Fields.get(sch, field, 0, 2, 1); // EI.2
        return ns != null ? ns : ctx.header().defaultAuthority();
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }

    private static BigDecimal decimal(String s) {
        try {
            return s == null ? null : new BigDecimal(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
