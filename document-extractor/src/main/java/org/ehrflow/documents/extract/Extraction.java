package org.ehrflow.documents.extract;

import java.util.List;
import java.util.Map;
import org.ehrflow.schemas.DocumentSection;

/** What extracting one attachment gave: citable sections, or the news that it needs the slow lane (OCR). */
public sealed interface Extraction {

    /**
     * @param sections text sections in document order, each with its citation
     * @param metadata header facts (no text): page counts, OCR pages, C-CDA document type/author/encounter
     */
    record Extracted(List<DocumentSection> sections, Map<String, String> metadata) implements Extraction {
        public Extracted {
            sections = List.copyOf(sections);
            metadata = Map.copyOf(metadata);
        }
    }

    /** The attachment needs OCR and this extractor runs without it (the fast lane): move the record. */
    record NeedsOcr() implements Extraction {
    }
}
