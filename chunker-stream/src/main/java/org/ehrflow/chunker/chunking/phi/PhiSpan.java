package org.ehrflow.chunker.chunking.phi;

/**
 * One PHI occurrence in a text.
 *
 * @param kind  what it is
 * @param start first char (inclusive)
 * @param end   last char (exclusive)
 */
public record PhiSpan(PhiKind kind, int start, int end) {

    public int length() {
        return end - start;
    }

    boolean overlaps(PhiSpan o) {
        return start < o.end && o.start < end;
    }
}
