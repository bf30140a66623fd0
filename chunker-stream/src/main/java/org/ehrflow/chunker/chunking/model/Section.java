package org.ehrflow.chunker.chunking.model;

import org.ehrflow.schemas.Citation;

/**
 * A section of one note: its header name (null for text before the first header) and its cleaned body.
 *
 * @param name     section name as written in the note, or null
 * @param body     cleaned text, paragraphs separated by one blank line
 * @param citation where an extracted document's section stands (pages, section code, OCR), or null for notes
 *                 read inline; every chunk cut from the section carries it
 */
public record Section(String name, String body, Citation citation) {

    /** A section of an inline note (no document citation). */
    public Section(String name, String body) {
        this(name, body, null);
    }
}
