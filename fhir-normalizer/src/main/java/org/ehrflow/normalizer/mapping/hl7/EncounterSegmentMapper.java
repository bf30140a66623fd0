package org.ehrflow.normalizer.mapping.hl7;

import org.ehrflow.hl7.Hl7Fields;
import org.ehrflow.hl7.Segment;
import org.ehrflow.normalizer.mapping.CodeTable;
import org.ehrflow.normalizer.mapping.Ids;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Period;

/**
 * PV1 -> Encounter. The id comes from the visit number PV1-19 and its authority ({@link Ids#encounter}), so HL7
 * and CDC converge on one Encounter. Without PV1-19 the id falls back to the patient plus admit time (PV1-44),
 * else to the message (MSH-10): stable for re-sends, not shared with other messages. Status: A11 (cancel admit)
 * -> cancelled; A13 (cancel discharge) -> in-progress without an end; else finished iff PV1-45. PV2-3 -> reasonCode.
 */
public final class EncounterSegmentMapper {

    static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    private static final String NULL_FLAVOR = "http://terminology.hl7.org/CodeSystem/v3-NullFlavor";
    private static final CodeTable CLASS = CodeTable.load("patient-class");

    private EncounterSegmentMapper() {
    }

    /** The encounter; sets the context's encounter id. */
    public static Encounter map(Segment pv1, Hl7Context ctx) {
        Encounter e = new Encounter();
        String visit = Hl7Fields.get(pv1, 19, 0, 1, 1); // PV1.19.1
        String admit = Hl7Fields.get(pv1, 44); // PV1.44
        String discharge = Hl7Fields.get(pv1, 45); // PV1.45
        if (visit != null) {
            String authority = Hl7Fields.get(pv1, 19, 0, 4, 1); // PV1.19.4
            String system = ctx.systemFor(authority);
            e.setId(Ids.encounter(system, visit));
            e.addIdentifier().setSystem(system).setValue(visit);
        } else if (admit != null) {
            e.setId("enc-" + Ids.h("Encounter|" + ctx.patientKey() + "|admit|" + admit));
        } else {
            e.setId("enc-" + Ids.h("Encounter|msg|" + ctx.header().sendingSystem() + "|" + ctx.header().controlId()));
        }
        ctx.encounter(e.getIdElement().getIdPart());
        String event = ctx.header().event();
        if ("A13".equals(event)) {
            discharge = null; // cancel discharge: the visit is open again (V2-to-FHIR IG ADT_A13)
        }
        if ("A11".equals(event)) {
            e.setStatus(Encounter.EncounterStatus.CANCELLED); // cancel admit/visit notification
        } else {
            e.setStatus(discharge != null ? Encounter.EncounterStatus.FINISHED
                    : Encounter.EncounterStatus.INPROGRESS);
        }
        e.setClass_(patientClass(Hl7Fields.get(pv1, 2))); // PV1.2
        e.setSubject(ctx.patientRef());
        Period period = new Period();
        String start = ctx.time().toDateTime(admit);
        String end = ctx.time().toDateTime(discharge);
        if (start != null) {
            period.getStartElement().setValueAsString(start);
        }
        if (end != null) {
            period.getEndElement().setValueAsString(end);
        }
        if (!period.isEmpty()) {
            e.setPeriod(period);
        }
        String attending = personName(pv1, 7); // PV1.7 attending doctor
        if (attending != null) {
            e.addParticipant()
                    .addType(new CodeableConcept().addCoding(new Coding(
                            "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "ATND", "attender")))
                    .getIndividual().setDisplay(attending);
        }
        String service = Hl7Fields.get(pv1, 10); // PV1.10 hospital service
        if (service != null) {
            e.setServiceType(new CodeableConcept().setText(service));
        }
        Segment pv2 = ctx.use(ctx.first("PV2"));
        org.hl7.fhir.r4.model.CodeableConcept reason = pv2 == null ? null : Hl7Codes.concept(pv2, 3, 0); // PV2.3
        if (reason != null) {
            e.addReasonCode(reason);
        }
        return e;
    }

    /** v3 ActCode for an HL7 patient class code or a CDC class word; "unknown" null flavor otherwise. */
    public static Coding patientClass(String code) {
        String mapped = CLASS.get(code);
        if (mapped == null) {
            return new Coding(NULL_FLAVOR, "UNK", "unknown");
        }
        String[] parts = mapped.split("\\|", 2);
        return new Coding(ACT_CODE, parts[0], parts.length > 1 ? parts[1] : null);
    }

    /** "given family" of an XCN field, or null. */
    static String personName(Segment s, int field) {
        String family = Hl7Fields.get(s, field, 0, 2, 1);
        String given = Hl7Fields.get(s, field, 0, 3, 1);
        if (family == null && given == null) {
            return null;
        }
        return ((given == null ? "" : given + " ") + (family == null ? "" : family)).strip();
    }
}
