package org.ehrflow.embedding;

import java.text.Normalizer;

/**
 * BERT text normalisation and pre-tokenisation classes (clean text, lowercase, strip accents, split on whitespace
 * and punctuation), as tables over the characters a pure-Java tokenizer handles: Latin (U+0000-U+036F), General
 * Punctuation (U+2000-U+206F), BOM and replacement character. Other scripts are left to the native tokenizer: there
 * the Unicode tables of Java and of the native library may differ, and CJK padding and canonical reordering of
 * combining marks would matter.
 */
final class BertText {

    /** Word characters; whitespace ends a word; punctuation is a word of its own. */
    static final byte WORD = 0;
    static final byte SPACE = 1;
    static final byte PUNCT = 2;

    private static final char LATIN_END = 0x370;
    private static final char PUNCT_START = 0x2000;
    private static final char PUNCT_END = 0x2070;
    private static final char[] REMOVED = {};
    private static final char[][] NORMALIZED = new char[PUNCT_END][];
    private static final byte[] KIND = new byte[PUNCT_END];

    static {
        for (char c = 0; c < PUNCT_END; c++) {
            if (inRanges(c)) {
                NORMALIZED[c] = normalize(c);
                KIND[c] = isWhitespace(c) ? SPACE : isPunctuation(c) ? PUNCT : WORD;
            }
        }
        for (char c = 0; c < PUNCT_END; c++) {
            if (NORMALIZED[c] != null && !String.valueOf(NORMALIZED[c]).chars().allMatch(n -> inRanges((char) n))) {
                NORMALIZED[c] = null; // e.g. U+023A lowercases to U+2C65, outside the tables
            }
        }
    }

    private BertText() {
    }

    /** Whether {@code c} is in the tables (then so are the characters it normalises to). */
    static boolean handles(char c) {
        return c < PUNCT_END ? NORMALIZED[c] != null : c == 0xFEFF || c == 0xFFFD;
    }

    private static boolean inRanges(char c) {
        return c < LATIN_END || (c >= PUNCT_START && c < PUNCT_END);
    }

    /** What {@code c} becomes after cleaning, accent stripping and lowercasing (empty when removed). */
    static char[] normalized(char c) {
        return c < PUNCT_END ? NORMALIZED[c] : REMOVED; // BOM (a format character) and U+FFFD are removed
    }

    /** The pre-tokenizer class of a normalised character. */
    static byte kind(char normalized) {
        return KIND[normalized];
    }

    // BertNormalizer: clean_text (drop NUL, U+FFFD and Cc/Cf/Cs/Co characters but tab/CR/LF; whitespace -> ' '),
    // then strip accents (NFD, drop nonspacing marks), then lowercase.
    private static char[] normalize(char c) {
        if (c == 0 || (isOther(c) && c != '\t' && c != '\n' && c != '\r')) {
            return REMOVED;
        }
        if (isWhitespace(c)) {
            return new char[] {' '};
        }
        StringBuilder out = new StringBuilder();
        Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFD).codePoints()
                .filter(cp -> Character.getType(cp) != Character.NON_SPACING_MARK)
                .forEach(cp -> out.appendCodePoint(Character.toLowerCase(cp)));
        return out.toString().toCharArray();
    }

    private static boolean isOther(char c) {
        int t = Character.getType(c);
        return t == Character.CONTROL || t == Character.FORMAT || t == Character.SURROGATE
                || t == Character.PRIVATE_USE; // not unassigned code points: the native tokenizer keeps those
    }

    // Unicode White_Space (Rust's char::is_whitespace), which unlike Character.isWhitespace includes NBSP and NEL.
    private static boolean isWhitespace(char c) {
        return (c >= 0x09 && c <= 0x0D) || c == ' ' || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }

    // ASCII punctuation (including $+<=>^`|~) or a Unicode punctuation category.
    private static boolean isPunctuation(char c) {
        if (c < 0x80) {
            return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60)
                    || (c >= 0x7B && c <= 0x7E);
        }
        int t = Character.getType(c);
        return t == Character.CONNECTOR_PUNCTUATION || t == Character.DASH_PUNCTUATION
                || t == Character.START_PUNCTUATION || t == Character.END_PUNCTUATION
                || t == Character.INITIAL_QUOTE_PUNCTUATION || t == Character.FINAL_QUOTE_PUNCTUATION
                || t == Character.OTHER_PUNCTUATION;
    }
}
