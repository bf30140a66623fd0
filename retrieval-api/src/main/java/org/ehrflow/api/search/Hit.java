package org.ehrflow.api.search;

import java.time.Instant;
import java.util.List;

/**
 * One search result with what an answer cites. {@code text} is the raw chunk text or its de-identified form,
 * as the caller's level allows; it is PHI either way and left out of {@link #toString()}.
 *
 * @param distance  cosine distance (0 = same direction)
 * @param citations the resources whose facts the chunk states ("Type/id" and version where known), its source first
 * @param sources   every source of the patient holding the same text (a note stored twice), its own first
 * @param place     where in a document the text stands (page, section code, OCR); null for non-document chunks
 */
public record Hit(String chunkId, String sourceId, String resourceType, String section, String noteType,
        String text, double distance, String sourceType, String sourceMessageId, Instant eventTime,
        List<Citation> citations, List<String> sources, DocumentPlace place) {

    public Hit {
        citations = List.copyOf(citations);
        sources = List.copyOf(sources);
    }

    /** A cited resource: {@code resource} is "Type/id"; {@code version} null where the backend does not know it. */
    public record Citation(String chunkId, String resource, String version) {
    }

    /**
     * Document provenance of a chunk cut from an extracted document (issue 12): page range of a PDF or scan, C-CDA
     * section code, the attachment it came from, and whether OCR read it (with Tesseract's mean confidence). No PHI.
     */
    public record DocumentPlace(Integer pageStart, Integer pageEnd, String sectionCode, String part, boolean ocr,
            Float ocrConfidence, boolean ocrLowConfidence) {
    }

    @Override
    public String toString() {
        return "Hit[" + chunkId + ", distance=" + distance + "]";
    }
}
