package org.ehrflow.normalizer.mapping.hl7;

/**
 * Field access by (field, repetition, component, subcomponent) on a {@link Segment}, the way HAPI's Terser
 * addresses values, without building a typed model: every version and structure reads the same. Values are
 * unescaped ({@code \F\ \S\ \T\ \R\ \E\ \.br\ \Xhh\}); HL7's explicit null {@code ""} and blanks read as null.
 */
public final class Hl7Fields {

    private Hl7Fields() {
    }

    /** Field {@code field}, repetition {@code rep} (0-based), component/subcomponent (1-based). */
    public static String get(Segment s, int field, int rep, int comp, int sub) {
        if (s == null) {
            return null;
        }
        String raw = s.raw(field);
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        Segment.Delimiters d = s.delimiters();
        if (s.getName().equals("MSH") && field <= 2) {
            return rep == 0 && comp == 1 && sub == 1 ? raw : null; // separators are not split
        }
        String v = nth(raw, d.repetition(), rep);
        v = v == null ? null : nth(v, d.component(), comp - 1);
        v = v == null ? null : nth(v, d.subcomponent(), sub - 1);
        return v == null ? null : clean(unescape(v, d));
    }

    /** First repetition, component {@code comp}, first subcomponent. */
    public static String get(Segment s, int field, int comp) {
        return get(s, field, 0, comp, 1);
    }

    /** First repetition, first component. */
    public static String get(Segment s, int field) {
        return get(s, field, 0, 1, 1);
    }

    /** Number of repetitions present of {@code field} (0 when empty or absent). */
    public static int reps(Segment s, int field) {
        String raw = s.raw(field);
        if (raw == null || raw.isEmpty()) {
            return 0;
        }
        if (s.getName().equals("MSH") && field <= 2) {
            return 1;
        }
        int n = 1;
        char sep = s.delimiters().repetition();
        for (int i = 0; i < raw.length(); i++) {
            if (raw.charAt(i) == sep) {
                n++;
            }
        }
        return n;
    }

    /** The {@code index}-th (0-based) piece of {@code s} split on {@code sep}, or null if there are fewer. */
    private static String nth(String s, char sep, int index) {
        int start = 0;
        for (int i = 0; i < index; i++) {
            int next = s.indexOf(sep, start);
            if (next < 0) {
                return null;
            }
            start = next + 1;
        }
        int end = s.indexOf(sep, start);
        return end < 0 ? s.substring(start) : s.substring(start, end);
    }

    static String unescape(String v, Segment.Delimiters d) {
        char esc = d.escape();
        if (v.indexOf(esc) < 0) {
            return v;
        }
        StringBuilder sb = new StringBuilder(v.length());
        int i = 0;
        while (i < v.length()) {
            char c = v.charAt(i);
            int close = c == esc ? v.indexOf(esc, i + 1) : -1;
            if (close < 0) {
                sb.append(c);
                i++;
                continue;
            }
            String seq = v.substring(i + 1, close);
            switch (seq) {
                case "F" -> sb.append(d.field());
                case "S" -> sb.append(d.component());
                case "T" -> sb.append(d.subcomponent());
                case "R" -> sb.append(d.repetition());
                case "E" -> sb.append(esc);
                case ".br", ".sp" -> sb.append('\n');
                case "H", "N" -> {
                    // highlighting on/off: formatting only
                }
                default -> {
                    if (seq.startsWith("X") && seq.length() > 1 && seq.length() % 2 == 1) {
                        hex(seq.substring(1), sb);
                    } else {
                        sb.append(c).append(seq).append(esc); // unknown escape: kept as sent
                    }
                }
            }
            i = close + 1;
        }
        return sb.toString();
    }

    private static void hex(String digits, StringBuilder sb) {
        try {
            for (int i = 0; i < digits.length(); i += 2) {
                sb.append((char) Integer.parseInt(digits.substring(i, i + 2), 16));
            }
        } catch (NumberFormatException e) {
            sb.append("\\X").append(digits).append('\\');
        }
    }

    private static String clean(String v) {
        String t = v.strip();
        return t.isEmpty() || t.equals("\"\"") ? null : t;
    }
}
