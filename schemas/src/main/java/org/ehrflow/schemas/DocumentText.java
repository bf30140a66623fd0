package org.ehrflow.schemas;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Value of the extracted-document topic: the text the document extractor read out of one document-bearing
 * resource (DocumentReference, DiagnosticReport.presentedForm), cut into citable sections, for the chunker.
 * Replaces whatever was extracted before for the same resource; a DELETE retracts it. Text is PHI:
 * {@link #toString()} never prints it.
 *
 * @param patientKey   the patient key (also the record key)
 * @param op           UPSERT with sections, or DELETE
 * @param resourceType "DocumentReference" or "DiagnosticReport"
 * @param resourceId   the resource's id (the chunk set's sourceId is {@code resourceType/resourceId})
 * @param versionId    the resource's version, as on the normalised record
 * @param encounterId  the encounter the document belongs to, if known
 * @param noteType     document type display (LOINC display, C-CDA title), or null
 * @param date         document date (yyyy-MM-dd) or null
 * @param sections     extracted sections, in document order
 * @param metadata     header facts (C-CDA document type, author, encounter; PDF page count, OCR pages); no text
 * @param skipped      attachments not extracted, by reason (alternate renditions, no data)
 * @param provenance   provenance of the normalised record
 */
public record DocumentText(
        String patientKey,
        RecordOp op,
        String resourceType,
        String resourceId,
        String versionId,
        String encounterId,
        String noteType,
        String date,
        List<DocumentSection> sections,
        Map<String, String> metadata,
        Map<String, Integer> skipped,
        Provenance provenance) {

    public DocumentText {
        Objects.requireNonNull(patientKey, "patientKey");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(resourceId, "resourceId");
        Objects.requireNonNull(provenance, "provenance");
        sections = sections == null ? List.of() : List.copyOf(sections);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        skipped = skipped == null ? Map.of() : Map.copyOf(skipped);
        if (op == RecordOp.MERGE) {
            throw new IllegalArgumentException("a document is never a MERGE");
        }
    }

    /** "Type/id": the chunk set's sourceId. */
    public String reference() {
        return resourceType + "/" + resourceId;
    }

    @Override
    public String toString() {
        return "DocumentText[" + op + " " + reference() + " v" + versionId + ", " + sections.size() + " sections]";
    }
}
