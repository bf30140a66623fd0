package org.ehrflow.hl7;

import java.util.ArrayList;
import java.util.List;

/**
 * ER7 ("pipe and hat") text before anything reads a field: the pre-normalisation real feeds need, and splitting
 * helpers that allocate nothing beyond the parts (no regex).
 */
public final class Er7 {

    private static final String DOUBLED_ESCAPE = "^~\\\\&";

    private Er7() {
    }

    /**
     * {@code er7} with a UTF-8 byte order mark stripped, LF and CRLF segment terminators turned into CR, blank
     * segments dropped, surrounding blanks removed, and the MSH-2 written with a doubled backslash
     * ({@code ^~\\&}, a JSON/Java quoting accident seen in real feeds) repaired to {@code ^~\&}.
     */
    public static String normalise(String er7) {
        String s = er7;
        if (!s.isEmpty() && s.charAt(0) == '\uFEFF') {
            s = s.substring(1);
        }
        if (s.indexOf('\n') >= 0) {
            s = s.replace("\r\n", "\r").replace('\n', '\r');
        }
        while (s.contains("\r\r")) {
            s = s.replace("\r\r", "\r");
        }
        s = s.strip();
        return repairMsh2(s);
    }

    /** {@code s} (starting with MSH) with a doubled-backslash MSH-2 repaired; unchanged otherwise. */
    static String repairMsh2(String s) {
        if (s.length() > 9 && s.startsWith("MSH") && s.startsWith(DOUBLED_ESCAPE, 4) && s.charAt(9) == s.charAt(3)) {
            return s.substring(0, 4) + "^~\\&" + s.substring(9);
        }
        return s;
    }

    /** {@code s} split at every {@code sep}; empty parts kept, so index i is the i-th part. */
    public static List<String> split(String s, char sep) {
        List<String> parts = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == sep) {
                parts.add(s.substring(from, i));
                from = i + 1;
            }
        }
        parts.add(s.substring(from));
        return parts;
    }

    /** The {@code index}-th (0-based) part of {@code s} split at {@code sep}, or null if there are fewer. */
    public static String nth(String s, char sep, int index) {
        int start = 0;
        for (int n = 0; n < index; n++) {
            int next = s.indexOf(sep, start);
            if (next < 0) {
                return null;
            }
            start = next + 1;
        }
        int end = s.indexOf(sep, start);
        return end < 0 ? s.substring(start) : s.substring(start, end);
    }

    /** Like {@link #nth} but "" where the part is absent. */
    public static String part(String s, char sep, int index) {
        String p = nth(s, sep, index);
        return p == null ? "" : p;
    }

    /** The first segment of normalised text ({@code \r}-terminated segments). */
    public static String firstSegment(String text) {
        int cr = text.indexOf('\r');
        return cr < 0 ? text : text.substring(0, cr);
    }
}
