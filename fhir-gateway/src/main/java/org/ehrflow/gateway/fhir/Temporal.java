package org.ehrflow.gateway.fhir;

/**
 * FHIR R4's date, dateTime, instant and time formats, checked by hand: the same strings as the specification's
 * regular expressions (kept as the oracle in {@code TemporalTest}, which proves the two equal), at a fraction of
 * the cost. A Synthea Bundle carries hundreds of these, and the regex engine was a sixth of the structure check.
 *
 * <p>Only ASCII digits count; a value must match as a whole.
 */
final class Temporal {

    private Temporal() {
    }

    /** {@code YYYY}, {@code YYYY-MM} or {@code YYYY-MM-DD}. */
    static boolean date(String s) {
        int n = s.length();
        return (n == 4 || n == 7 || n == 10) && datePart(s, n);
    }

    /** A date, or a full date with {@code Thh:mm:ss[.f+]} and a zone. */
    static boolean dateTime(String s) {
        int n = s.length();
        if (n == 4 || n == 7 || n == 10) {
            return datePart(s, n);
        }
        return n > 10 && datePart(s, 10) && s.charAt(10) == 'T' && clockAndZone(s, 11);
    }

    /** A full date, time and zone. */
    static boolean instant(String s) {
        return s.length() > 10 && datePart(s, 10) && s.charAt(10) == 'T' && clockAndZone(s, 11);
    }

    /** {@code hh:mm:ss[.f+]}, no zone. */
    static boolean time(String s) {
        int end = clock(s, 0);
        return end == s.length();
    }

    /** The first {@code len} (4, 7 or 10) characters are a year, year-month or year-month-day. */
    private static boolean datePart(String s, int len) {
        if (!digits(s, 0, 4) || s.startsWith("0000")) {
            return false;
        }
        if (len == 4) {
            return true;
        }
        if (s.charAt(4) != '-' || !month(s, 5)) {
            return false;
        }
        return len == 7 || (s.charAt(7) == '-' && day(s, 8));
    }

    private static boolean clockAndZone(String s, int from) {
        int at = clock(s, from);
        return at > 0 && zone(s, at);
    }

    /** The index after {@code hh:mm:ss[.f+]} starting at {@code i}, or -1. */
    private static int clock(String s, int i) {
        if (s.length() < i + 8 || s.charAt(i + 2) != ':' || s.charAt(i + 5) != ':') {
            return -1;
        }
        char h = s.charAt(i);
        boolean hour = (h == '0' || h == '1') && digit(s.charAt(i + 1)) || h == '2' && in(s.charAt(i + 1), '0', '3');
        boolean minute = in(s.charAt(i + 3), '0', '5') && digit(s.charAt(i + 4));
        char s0 = s.charAt(i + 6);
        boolean second = in(s0, '0', '5') && digit(s.charAt(i + 7)) || s0 == '6' && s.charAt(i + 7) == '0';
        if (!hour || !minute || !second) {
            return -1;
        }
        int at = i + 8;
        if (at < s.length() && s.charAt(at) == '.') {
            int d = at + 1;
            while (d < s.length() && digit(s.charAt(d))) {
                d++;
            }
            if (d == at + 1) {
                return -1;
            }
            at = d;
        }
        return at;
    }

    /** {@code Z}, or {@code +hh:mm}/{@code -hh:mm} from -14:00 to +14:00, exactly to the end. */
    private static boolean zone(String s, int i) {
        int rest = s.length() - i;
        if (rest == 1) {
            return s.charAt(i) == 'Z';
        }
        if (rest != 6 || (s.charAt(i) != '+' && s.charAt(i) != '-') || s.charAt(i + 3) != ':') {
            return false;
        }
        char h0 = s.charAt(i + 1);
        char h1 = s.charAt(i + 2);
        if (h0 == '1' && h1 == '4') {
            return s.charAt(i + 4) == '0' && s.charAt(i + 5) == '0';
        }
        boolean hour = h0 == '0' && digit(h1) || h0 == '1' && in(h1, '0', '3');
        return hour && in(s.charAt(i + 4), '0', '5') && digit(s.charAt(i + 5));
    }

    private static boolean month(String s, int i) {
        char a = s.charAt(i);
        char b = s.charAt(i + 1);
        return a == '0' && in(b, '1', '9') || a == '1' && in(b, '0', '2');
    }

    private static boolean day(String s, int i) {
        char a = s.charAt(i);
        char b = s.charAt(i + 1);
        return a == '0' && in(b, '1', '9') || (a == '1' || a == '2') && digit(b) || a == '3' && in(b, '0', '1');
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!digit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean in(char c, char lo, char hi) {
        return c >= lo && c <= hi;
    }
}
