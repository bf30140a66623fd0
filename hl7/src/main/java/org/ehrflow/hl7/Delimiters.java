package org.ehrflow.hl7;

/**
 * A message's encoding characters (MSH-1 and MSH-2). HL7 v2.7 added a fifth MSH-2 character, the truncation
 * character (usually {@code #}); it marks a value cut to its maximum length and is kept as text when reading.
 * {@link #NONE} stands for an escape or truncation character the message does not declare: without an escape
 * character nothing is unescaped (v2.5.1 section 2.5.4: MSH-2 lists the escape character; there is no default).
 *
 * @param field        MSH-1
 * @param component    MSH-2.1
 * @param repetition   MSH-2.2
 * @param escape       MSH-2.3, or {@link #NONE}
 * @param subcomponent MSH-2.4, else {@code &}
 * @param truncation   MSH-2.5, or {@link #NONE}
 */
public record Delimiters(char field, char component, char repetition, char escape, char subcomponent,
        char truncation) {

    /** An absent optional encoding character. */
    public static final char NONE = '\0';

    /** The standard set {@code |^~\&}. */
    public static final Delimiters DEFAULT = new Delimiters('|', '^', '~', '\\', '&', NONE);

    /**
     * The delimiters of MSH-1 {@code field} and MSH-2 {@code enc}, or null if they are unusable: fewer than two
     * encoding characters, a letter, digit or blank among them, or one character used twice.
     */
    public static Delimiters of(char field, String enc) {
        if (!usable(field) || enc.length() < 2 || enc.length() > 5) {
            return null;
        }
        for (int i = 0; i < enc.length(); i++) {
            char c = enc.charAt(i);
            if (!usable(c) || c == field || enc.indexOf(c) != i) {
                return null;
            }
        }
        return new Delimiters(field, enc.charAt(0), enc.charAt(1), enc.length() > 2 ? enc.charAt(2) : NONE,
                enc.length() > 3 ? enc.charAt(3) : '&', enc.length() > 4 ? enc.charAt(4) : NONE);
    }

    /** Whether the message declares an escape character. */
    public boolean escapes() {
        return escape != NONE;
    }

    private static boolean usable(char c) {
        return !Character.isLetterOrDigit(c) && !Character.isWhitespace(c) && c != NONE;
    }
}
