package org.ehrflow.chunker.chunking;

/**
 * A section of one note: its header name (null for text before the first header) and its cleaned body.
 *
 * @param name section name as written in the note, or null
 * @param body cleaned text, paragraphs separated by one blank line
 */
public record Section(String name, String body) {
}
