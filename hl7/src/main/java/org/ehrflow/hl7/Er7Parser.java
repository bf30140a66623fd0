package org.ehrflow.hl7;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits normalised ER7 text ({@link Er7#normalise}) of any HL7 v2 version into {@link Segment}s in message order.
 * No typed model is built: readers address fields by position ({@link Hl7Fields}), which is version-agnostic and
 * an order of magnitude cheaper than a HAPI parse (BENCHMARKS.md, issue 17).
 */
public final class Er7Parser {

    private Er7Parser() {
    }

    /** MSH-9.1 and MSH-9.2, e.g. "ADT" and "A01". */
    public record MessageType(String type, String event) {
    }

    /** The delimiters declared by the MSH segment that starts {@code normalised}, or null if unusable. */
    public static Delimiters delimiters(String normalised) {
        if (!normalised.startsWith("MSH") || normalised.length() < 6) {
            return null;
        }
        char field = normalised.charAt(3);
        int end = normalised.indexOf(field, 4);
        int cr = normalised.indexOf('\r');
        if (end < 0 || (cr >= 0 && cr < end)) {
            end = cr < 0 ? normalised.length() : cr; // MSH-2 is the last field of the segment
        }
        return Delimiters.of(field, normalised.substring(4, end));
    }

    /**
     * The segments of normalised text, MSH first; segments without any content are dropped.
     *
     * @throws Hl7ParseException if there is no MSH with usable encoding characters, or a segment id is not three
     *         upper-case letters or digits followed by the field separator
     */
    public static List<Segment> parse(String normalised) throws Hl7ParseException {
        if (!normalised.startsWith("MSH")) {
            throw new Hl7ParseException("no MSH segment");
        }
        Delimiters d = delimiters(normalised);
        if (d == null) {
            throw new Hl7ParseException("no usable encoding characters");
        }
        List<Segment> out = new ArrayList<>();
        int start = 0;
        while (start < normalised.length()) {
            int end = lineEnd(normalised, start);
            String line = normalised.substring(start, end);
            start = end + 1;
            if (line.isBlank()) {
                continue;
            }
            String name = line.length() >= 3 ? line.substring(0, 3) : line;
            if (!validName(name) || (line.length() > 3 && line.charAt(3) != d.field())) {
                throw new Hl7ParseException("invalid segment id");
            }
            Segment s = segment(line, d);
            if (s.getName().equals("MSH") || !s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * The first segment named {@code name} (without validating the others: the listener keys messages that the
     * normaliser may later reject), or null.
     */
    public static Segment find(String normalised, Delimiters d, String name) {
        int start = 0;
        while (start < normalised.length()) {
            int end = lineEnd(normalised, start);
            if (normalised.startsWith(name, start) && (end - start == 3 || normalised.charAt(start + 3) == d.field())) {
                return segment(normalised.substring(start, end), d);
            }
            start = end + 1;
        }
        return null;
    }

    /** MSH-9.1 and MSH-9.2 (stripped, escapes kept) of normalised text; null if there is no usable MSH. */
    public static MessageType messageType(String normalised) {
        Delimiters d = delimiters(normalised);
        if (d == null) {
            return null;
        }
        Segment msh = segment(Er7.firstSegment(normalised), d);
        String type = msh.raw(9);
        if (type == null) {
            return null;
        }
        return new MessageType(Er7.part(type, d.component(), 0).strip(), Er7.part(type, d.component(), 1).strip());
    }

    /** {@code line} cut at the field separator; for MSH, field 1 is the separator and field 2 MSH-2 as sent. */
    static Segment segment(String line, Delimiters d) {
        String name = line.length() >= 3 ? line.substring(0, 3) : line;
        List<String> fields = new ArrayList<>();
        fields.add(name);
        if (name.equals("MSH")) {
            fields.add(String.valueOf(d.field()));
        }
        int p = 4;
        while (p <= line.length()) {
            int q = line.indexOf(d.field(), p);
            if (q < 0) {
                q = line.length();
            }
            fields.add(line.substring(p, q));
            p = q + 1;
        }
        return new Segment(name, fields.toArray(String[]::new), d);
    }

    private static int lineEnd(String s, int start) {
        int end = s.indexOf('\r', start);
        return end < 0 ? s.length() : end;
    }

    private static boolean validName(String name) {
        if (name.length() != 3) {
            return false;
        }
        for (int i = 0; i < 3; i++) {
            char c = name.charAt(i);
            if (!(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }
}
