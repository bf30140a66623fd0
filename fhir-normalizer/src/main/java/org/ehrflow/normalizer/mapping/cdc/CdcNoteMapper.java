package org.ehrflow.normalizer.mapping.cdc;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ehrflow.normalizer.mapping.Ids;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.Links;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus;
import org.hl7.fhir.r4.model.Reference;

/**
 * {@code ehr.notes} -> DocumentReference "cdc-note-&lt;id&gt;": type text = note_type, body as a text/plain
 * attachment, date = written_at, context.encounter from the learned encounter link. Status entered-in-error and
 * deletes become DELETE records.
 */
final class CdcNoteMapper {

    MappingResult map(CdcEvent e, LinkLookup links) {
        String patientLink = Links.ehrPatient(e.number("patient_id") == null ? -1 : e.number("patient_id"));
        Optional<String> key = links.find(patientLink);
        if (key.isEmpty()) {
            return new MappingResult.AwaitingLink(patientLink);
        }
        String id = Ids.cdcNote(e.number("id"));
        String status = e.text("status");
        if (e.isDelete() || "entered-in-error".equals(status)) {
            return MappingResult.Mapped.of(List.of(e.delete(key.get(), "DocumentReference", id, null)));
        }
        String encounterId = null;
        Long encounterRow = e.number("encounter_id");
        if (encounterRow != null) {
            Optional<String> enc = links.find(Links.ehrEncounter(encounterRow));
            if (enc.isEmpty()) {
                return new MappingResult.AwaitingLink(Links.ehrEncounter(encounterRow));
            }
            encounterId = enc.get();
        }
        DocumentReference d = new DocumentReference();
        d.setId(id);
        d.setStatus(DocumentReferenceStatus.CURRENT);
        if ("final".equals(status) || "amended".equals(status)) {
            d.setDocStatus(DocumentReference.ReferredDocumentStatus.fromCode(status));
        }
        d.setType(new CodeableConcept().setText(e.text("note_type")));
        d.setSubject(new Reference("Patient/" + Ids.patient(key.get())));
        String written = CdcEncounterMapper.instant(e.text("written_at"));
        if (written != null) {
            d.getDateElement().setValueAsString(written);
        }
        String author = e.text("author");
        if (author != null) {
            d.addAuthor().setDisplay(author);
        }
        String body = e.text("body");
        d.addContent().setAttachment(new Attachment().setContentType("text/plain")
                .setData((body == null ? "" : body).getBytes(StandardCharsets.UTF_8)));
        if (encounterId != null) {
            d.getContext().addEncounter(new Reference("Encounter/" + encounterId));
        }
        return new MappingResult.Mapped(List.of(e.upsert(key.get(), d, encounterId)), Map.of(), Map.of());
    }
}
