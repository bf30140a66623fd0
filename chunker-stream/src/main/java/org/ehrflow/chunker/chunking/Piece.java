package org.ehrflow.chunker.chunking;

import org.ehrflow.schemas.Citation;

/**
 * A chunk's text before it is tagged: header line + "\n" + body, counted with the model's tokenizer.
 *
 * @param section    section the body came from, or null
 * @param text       the full chunk text
 * @param tokenCount tokens of {@code text} including [CLS] and [SEP]
 * @param citation   the section's document citation, or null
 */
public record Piece(String section, String text, int tokenCount, Citation citation) {

    public Piece(String section, String text, int tokenCount) {
        this(section, text, tokenCount, null);
    }

    Piece withCitation(Citation c) {
        return new Piece(section, text, tokenCount, c);
    }
}
