package org.ehrflow.schemas;

import java.util.Objects;

/**
 * One citable piece of an extracted document: a page (or run of pages) of a PDF or scan, or a C-CDA section.
 * The text is PHI: {@link #toString()} never prints it.
 *
 * @param title    section title ("Medications", "Page 2"), or null
 * @param text     extracted text, paragraphs separated by blank lines
 * @param citation where it stands in the document
 */
public record DocumentSection(String title, String text, Citation citation) {

    public DocumentSection {
        Objects.requireNonNull(text, "text");
    }

    @Override
    public String toString() {
        return "DocumentSection[" + title + ", " + text.length() + " chars, " + citation + "]";
    }
}
