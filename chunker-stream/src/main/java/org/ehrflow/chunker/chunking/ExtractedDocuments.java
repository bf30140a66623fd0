package org.ehrflow.chunker.chunking;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.ehrflow.chunker.chunking.model.Section;
import org.ehrflow.chunker.error.ReasonCodes;
import org.ehrflow.schemas.DocumentSection;
import org.ehrflow.schemas.DocumentText;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.RecordOp;

/**
 * A {@link DocumentText} from the document extractor as the chunker's note: each extracted section is cleaned
 * like a note; one without a title (a PDF page, an HTML or DOCX body) is split at the clinical section headers
 * it contains, one with a title (a C-CDA section) stays whole under it; either way every part keeps the
 * section's citation (pages, section code, OCR), so every chunk cut from it cites where it came from. Pure.
 */
public final class ExtractedDocuments {

    private static final Pattern PATIENT_KEY = Pattern.compile("^(pk|sys)_[0-9a-f]{32}$");

    private ExtractedDocuments() {
    }

    public static Interpretation interpret(DocumentText d) {
        if (!PATIENT_KEY.matcher(d.patientKey()).matches()) {
            return new Interpretation.Rejected(ReasonCodes.INVALID_PATIENT_KEY, null);
        }
        if (!ResourceChunker.validSourceId(d.reference())) {
            return new Interpretation.Rejected(ReasonCodes.INVALID_SOURCE_ID, null);
        }
        // The chunk set is built from the record's identity and provenance; the text travels in the note.
        FhirRecord rec = new FhirRecord(d.patientKey(), d.op() == RecordOp.DELETE ? RecordOp.DELETE : RecordOp.UPSERT,
                d.resourceType(), d.resourceId(), d.versionId(), d.encounterId(),
                d.op() == RecordOp.DELETE ? null : "{}", d.provenance());
        if (d.op() == RecordOp.DELETE) {
            return new Interpretation.Retract(rec, d.encounterId());
        }
        List<Section> sections = new ArrayList<>();
        for (DocumentSection s : d.sections()) {
            String clean = TextCleaner.clean(s.text());
            if (clean.isBlank()) {
                continue;
            }
            if (s.title() == null) {
                for (Section part : SectionSplitter.split(clean)) {
                    sections.add(new Section(part.name(), part.body(), s.citation()));
                }
            } else {
                sections.add(new Section(s.title(), clean, s.citation()));
            }
        }
        String type = d.noteType() == null ? "Document" : d.noteType();
        return new Interpretation.Note(rec, d.encounterId(),
                new NoteExtractor.Note(type, d.date(), sections, d.skipped()));
    }
}
