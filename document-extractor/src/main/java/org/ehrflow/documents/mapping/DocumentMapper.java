package org.ehrflow.documents.mapping;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ehrflow.documents.error.ReasonCodes;
import org.ehrflow.documents.extract.DocumentExtractor;
import org.ehrflow.documents.extract.DocumentFailure;
import org.ehrflow.documents.extract.Extraction;
import org.ehrflow.documents.extract.MediaTypes;
import org.ehrflow.schemas.DocumentSection;
import org.ehrflow.schemas.DocumentText;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.RecordOp;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;

/**
 * A document-bearing {@link FhirRecord} (DocumentReference, DiagnosticReport with presentedForm) in, its
 * {@link DocumentText} out. The attachments of one resource are renditions of one document (FHIR: "the document
 * together with its format"), so exactly one is extracted: the most structured one (C-CDA, then plain text,
 * HTML, PDF, office formats, images last, as OCR is slowest and least exact); the others are counted as
 * {@code alternate_rendition}. Pure apart from the {@link AttachmentSource} it is given.
 */
public final class DocumentMapper {

    private final DocumentExtractor extractor;
    private final AttachmentSource source;

    /** {@code source} null: the fast lane, which hands references to the slow lane instead of fetching. */
    public DocumentMapper(DocumentExtractor extractor, AttachmentSource source) {
        this.extractor = extractor;
        this.source = source;
    }

    public MappingResult map(FhirRecord rec) throws AttachmentSource.TransientFetchException {
        if (rec.op() == RecordOp.DELETE) {
            return new MappingResult.Mapped(delete(rec));
        }
        IBaseResource parsed;
        try {
            parsed = FhirJson.parse(rec.resourceJson());
        } catch (RuntimeException e) {
            return new MappingResult.Rejected(ReasonCodes.RESOURCE_PARSE_ERROR, null, e.getClass().getSimpleName());
        }
        Header h;
        List<Attachment> attachments;
        if (parsed instanceof DocumentReference d) {
            if (d.getStatus() == Enumerations.DocumentReferenceStatus.ENTEREDINERROR
                    || d.getDocStatus() == DocumentReference.ReferredDocumentStatus.ENTEREDINERROR) {
                return new MappingResult.Mapped(delete(rec));
            }
            h = Header.of(d, rec.encounterId());
            attachments = d.getContent().stream()
                    .map(DocumentReference.DocumentReferenceContentComponent::getAttachment)
                    .toList();
        } else if (parsed instanceof DiagnosticReport r) {
            if (r.getStatus() == DiagnosticReport.DiagnosticReportStatus.ENTEREDINERROR
                    || r.getStatus() == DiagnosticReport.DiagnosticReportStatus.CANCELLED) {
                return new MappingResult.Mapped(delete(rec));
            }
            h = Header.of(r, rec.encounterId());
            attachments = r.getPresentedForm();
        } else {
            return new MappingResult.Rejected(ReasonCodes.RESOURCE_PARSE_ERROR, null, null);
        }
        return extract(rec, h, attachments);
    }

    private MappingResult extract(FhirRecord rec, Header h, List<Attachment> attachments)
            throws AttachmentSource.TransientFetchException {
        Map<String, Integer> skipped = new TreeMap<>();
        List<Integer> usable = new ArrayList<>();
        for (int i = 0; i < attachments.size(); i++) {
            Attachment a = attachments.get(i);
            if (a.hasData() || a.hasUrl()) {
                usable.add(i);
            } else {
                skipped.merge("no_data", 1, Integer::sum);
            }
        }
        if (usable.isEmpty()) {
            // Nothing to read: an empty set retracts rows an earlier version produced.
            return new MappingResult.Mapped(document(rec, h, List.of(), Map.of(), skipped));
        }
        int chosen = usable.stream().min(Comparator.comparingInt(i -> rank(attachments.get(i)))).orElseThrow();
        skipped.merge("alternate_rendition", usable.size() - 1, Integer::sum);
        skipped.remove("alternate_rendition", 0);
        Attachment a = attachments.get(chosen);
        String where = a.hasData() ? "content[" + chosen + "]" : a.getUrl();
        try {
            byte[] data;
            String contentType = a.getContentType();
            if (a.hasData()) {
                data = a.getData();
            } else if (source == null) {
                return new MappingResult.SlowLane();
            } else {
                AttachmentSource.Fetched f = source.fetch(a.getUrl());
                data = f.data();
                contentType = f.contentType() != null ? f.contentType() : contentType;
            }
            Extraction x = extractor.extract(data, contentType, where);
            if (x instanceof Extraction.NeedsOcr) {
                return new MappingResult.SlowLane();
            }
            Extraction.Extracted e = (Extraction.Extracted) x;
            if (e.sections().stream().allMatch(s -> s.text().isBlank())) {
                return new MappingResult.Rejected(ReasonCodes.DOCUMENT_EMPTY, null, null);
            }
            return new MappingResult.Mapped(document(rec, h.with(e.metadata()), e.sections(), e.metadata(), skipped));
        } catch (DocumentFailure f) {
            return new MappingResult.Rejected(f.reasonCode(), f.mimeType(), f.causeClass());
        }
    }

    /** Lower is preferred: the most structured rendition that needs no OCR. */
    static int rank(Attachment a) {
        String mime = MediaTypes.mime(a.getContentType());
        if (mime.contains("cda") || mime.equals("application/hl7-v3+xml") || mime.endsWith("/xml")) {
            return 0;
        }
        if (mime.isEmpty() || mime.equals("text/plain") || mime.equals("text/markdown")) {
            return 1;
        }
        if (mime.equals("text/html") || mime.equals("application/xhtml+xml")) {
            return 2;
        }
        if (mime.equals("application/pdf")) {
            return 3;
        }
        return mime.startsWith("image/") ? 5 : 4;
    }

    private static DocumentText document(FhirRecord rec, Header h, List<DocumentSection> sections,
            Map<String, String> metadata, Map<String, Integer> skipped) {
        return new DocumentText(rec.patientKey(), RecordOp.UPSERT, rec.resourceType(), rec.resourceId(),
                rec.versionId(), h.encounterId(), h.noteType(), h.date(), sections, metadata, skipped,
                rec.provenance());
    }

    private static DocumentText delete(FhirRecord rec) {
        return new DocumentText(rec.patientKey(), RecordOp.DELETE, rec.resourceType(), rec.resourceId(),
                rec.versionId(), rec.encounterId(), null, null, List.of(), Map.of(), Map.of(), rec.provenance());
    }
}
