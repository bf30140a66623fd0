package org.ehrflow.normalizer.mapping.cdc;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ehrflow.normalizer.mapping.Ids;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.Links;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.ehrflow.normalizer.mapping.hl7.EncounterSegmentMapper;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Reference;

/**
 * {@code ehr.encounters} -> Encounter with the id HL7 PV1-19 gives the same visit number ({@link Ids#encounter});
 * class inpatient/outpatient/emergency -> v3 ActCode IMP/AMB/EMER. Teaches "ehr-encounter:&lt;id&gt;" -> Encounter id.
 */
final class CdcEncounterMapper {

    private final String visitSystem;

    CdcEncounterMapper(String visitSystem) {
        this.visitSystem = visitSystem;
    }

    MappingResult map(CdcEvent e, LinkLookup links) {
        String patientLink = Links.ehrPatient(e.number("patient_id") == null ? -1 : e.number("patient_id"));
        Optional<String> key = links.find(patientLink);
        if (key.isEmpty()) {
            return new MappingResult.AwaitingLink(patientLink);
        }
        String visit = e.text("visit_number");
        String id = visit != null ? Ids.encounter(visitSystem, visit) : Ids.cdcEncounter(e.number("id"));
        Map<String, String> learned = Map.of(Links.ehrEncounter(e.number("id")), id);
        if (e.isDelete()) {
            return new MappingResult.Mapped(List.of(e.delete(key.get(), "Encounter", id, id)), learned, Map.of());
        }
        Encounter enc = new Encounter();
        enc.setId(id);
        if (visit != null) {
            enc.addIdentifier().setSystem(visitSystem).setValue(visit);
        }
        enc.setStatus(status(e.text("status")));
        enc.setClass_(EncounterSegmentMapper.patientClass(e.text("class")));
        enc.setSubject(new Reference("Patient/" + Ids.patient(key.get())));
        String reason = e.text("reason");
        if (reason != null) {
            enc.addReasonCode(new CodeableConcept().setText(reason));
        }
        String start = instant(e.text("started_at"));
        String end = instant(e.text("ended_at"));
        if (start != null) {
            enc.getPeriod().getStartElement().setValueAsString(start);
        }
        if (end != null) {
            enc.getPeriod().getEndElement().setValueAsString(end);
        }
        return new MappingResult.Mapped(List.of(e.upsert(key.get(), enc, id)), learned, Map.of());
    }

    private static Encounter.EncounterStatus status(String s) {
        try {
            return s == null ? Encounter.EncounterStatus.UNKNOWN : Encounter.EncounterStatus.fromCode(s);
        } catch (org.hl7.fhir.exceptions.FHIRException e) {
            return Encounter.EncounterStatus.UNKNOWN;
        }
    }

    /** Debezium ZonedTimestamp text as a FHIR dateTime (UTC), or null if unreadable. */
    static String instant(String iso) {
        try {
            return iso == null ? null : Instant.parse(iso).toString();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
