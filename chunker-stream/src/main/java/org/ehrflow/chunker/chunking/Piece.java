package org.ehrflow.chunker.chunking;

/**
 * A chunk's text before it is tagged: header line + "\n" + body, counted with the model's tokenizer.
 *
 * @param section    section the body came from, or null
 * @param text       the full chunk text
 * @param tokenCount tokens of {@code text} including [CLS] and [SEP]
 */
public record Piece(String section, String text, int tokenCount) {
}
