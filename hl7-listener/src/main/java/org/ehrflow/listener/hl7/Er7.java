package org.ehrflow.listener.hl7;

import java.util.ArrayList;
import java.util.List;

/** Splitting helpers for ER7 ("pipe and hat") text; no regex, no allocation beyond the parts. */
public final class Er7 {

    private Er7() {
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

    /** The {@code index}-th (0-based) part of {@code s} split at {@code sep}, or "" if absent. */
    public static String part(String s, char sep, int index) {
        int start = 0;
        for (int n = 0; n < index; n++) {
            int next = s.indexOf(sep, start);
            if (next < 0) {
                return "";
            }
            start = next + 1;
        }
        int end = s.indexOf(sep, start);
        return end < 0 ? s.substring(start) : s.substring(start, end);
    }

    /** The first segment of normalised ER7 text ({@code \r}-terminated segments). */
    public static String firstSegment(String text) {
        int cr = text.indexOf('\r');
        return cr < 0 ? text : text.substring(0, cr);
    }
}
