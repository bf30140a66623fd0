package org.ehrflow.hl7;

/**
 * Field access by (field, repetition, component, subcomponent) on a {@link Segment}, the way HAPI's Terser
 * addresses values, without building a typed model: every version and structure reads the same. Values are
 * unescaped ({@link Hl7Escapes}); HL7's explicit null {@code ""} and blanks read as null.
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
        if (s.getName().equals("MSH") && field <= 2) {
            return rep == 0 && comp == 1 && sub == 1 ? raw : null; // separators are not split
        }
        return value(raw, s.delimiters(), rep, comp, sub);
    }

    /** First repetition, component {@code comp}, first subcomponent. */
    public static String get(Segment s, int field, int comp) {
        return get(s, field, 0, comp, 1);
    }

    /** First repetition, first component. */
    public static String get(Segment s, int field) {
        return get(s, field, 0, 1, 1);
    }

    /**
     * The unescaped, stripped value at repetition {@code rep} (0-based), component and subcomponent (1-based) of
     * the raw field text {@code raw}; null where absent, blank or HL7's explicit null {@code ""}.
     */
    public static String value(String raw, Delimiters d, int rep, int comp, int sub) {
        String v = Er7.nth(raw, d.repetition(), rep);
        v = v == null ? null : Er7.nth(v, d.component(), comp - 1);
        v = v == null ? null : Er7.nth(v, d.subcomponent(), sub - 1);
        return v == null ? null : clean(Hl7Escapes.unescape(v, d));
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

    /** Stripped, with "" (HL7 explicit null) and blanks as null. */
    public static String clean(String v) {
        String t = v.strip();
        return t.isEmpty() || t.equals("\"\"") ? null : t;
    }
}
