package org.ehrflow.listener.hl7;

/**
 * Resolves the delimiter escapes ({@code \F\ \S\ \T\ \R\ \E\}) in identifier values, so the patient key is
 * computed from the same value a full HL7 parser yields. Message text itself is never unescaped here.
 */
public final class Hl7Escapes {

    private Hl7Escapes() {
    }

    /** {@code value} with delimiter escapes resolved; other escapes ({@code \X..\}, {@code \H\}) left as sent. */
    public static String unescapeDelimiters(String value, MshHeader h) {
        if (h.escapeChar().isEmpty() || value.indexOf(h.escapeChar().get()) < 0) {
            return value;
        }
        char esc = h.escapeChar().get();
        StringBuilder out = new StringBuilder(value.length());
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == esc && i + 2 < value.length() && value.charAt(i + 2) == esc) {
                Character d = delimiter(value.charAt(i + 1), h);
                if (d != null) {
                    out.append(d.charValue());
                    i += 3;
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    private static Character delimiter(char code, MshHeader h) {
        return switch (code) {
            case 'F' -> h.fieldSeparator();
            case 'S' -> h.componentSeparator();
            case 'T' -> h.subcomponentSeparator();
            case 'R' -> h.repetitionSeparator();
            case 'E' -> h.escapeChar().orElse('\\');
            default -> null;
        };
    }
}
