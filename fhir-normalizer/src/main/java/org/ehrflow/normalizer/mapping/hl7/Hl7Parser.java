package org.ehrflow.normalizer.mapping.hl7;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits ER7 text of any HL7 v2 version into {@link Segment}s in message order, after the pre-normalisation real
 * feeds need: UTF-8 BOM stripped, LF and CRLF segment terminators turned into CR, blank lines dropped, and the
 * doubled-backslash MSH-2 quirk ({@code ^~\\&}) repaired. No typed model is built: mappers address fields by
 * position ({@link Hl7Fields}), which is both version-agnostic and an order of magnitude cheaper than a HAPI parse.
 */
public final class Hl7Parser {

    private Hl7Parser() {
    }

    /** Pre-normalised ER7 text: what {@link #parse} splits. */
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
        if (s.startsWith("MSH|^~\\\\&|")) {
            s = "MSH|^~\\&|" + s.substring("MSH|^~\\\\&|".length());
        }
        return s;
    }

    /**
     * The segments of pre-normalised text, MSH first; segments without any content are dropped.
     *
     * @throws Hl7ParseException if there is no MSH with its encoding characters, or a segment id is not three
     *         upper-case letters or digits
     */
    public static List<Segment> parse(String normalised) throws Hl7ParseException {
        if (!normalised.startsWith("MSH") || normalised.length() < 8) {
            throw new Hl7ParseException("no MSH segment");
        }
        char field = normalised.charAt(3);
        int encEnd = normalised.indexOf(field, 4);
        if (encEnd < 0 || encEnd - 4 < 2) {
            throw new Hl7ParseException("no encoding characters");
        }
        String enc = normalised.substring(4, encEnd);
        Segment.Delimiters d = new Segment.Delimiters(field, enc.charAt(0), enc.charAt(1),
                enc.length() > 2 ? enc.charAt(2) : '\\', enc.length() > 3 ? enc.charAt(3) : '&');
        List<Segment> out = new ArrayList<>();
        int start = 0;
        while (start < normalised.length()) {
            int end = normalised.indexOf('\r', start);
            if (end < 0) {
                end = normalised.length();
            }
            String line = normalised.substring(start, end);
            start = end + 1;
            if (line.isBlank()) {
                continue;
            }
            Segment s = segment(line, d);
            if (s.getName().equals("MSH") || !s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    private static Segment segment(String line, Segment.Delimiters d) throws Hl7ParseException {
        String name = line.length() >= 3 ? line.substring(0, 3) : line;
        if (!validName(name) || (line.length() > 3 && line.charAt(3) != d.field())) {
            throw new Hl7ParseException("invalid segment id");
        }
        List<String> fields = new ArrayList<>();
        fields.add(name);
        if (name.equals("MSH")) {
            fields.add(String.valueOf(d.field())); // MSH-1 is the separator itself
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

    /**
     * Message type and trigger event ("ADT", "A01") read from the raw MSH-9, so unsupported types are told apart
     * from unparsable ones. Null if there is no MSH.
     */
    public static String[] messageType(String normalised) {
        if (!normalised.startsWith("MSH") || normalised.length() < 8) {
            return null;
        }
        int end = normalised.indexOf('\r');
        String msh = end < 0 ? normalised : normalised.substring(0, end);
        char fieldSep = msh.charAt(3);
        char compSep = msh.charAt(4);
        String[] fields = msh.split(java.util.regex.Pattern.quote(String.valueOf(fieldSep)), -1);
        if (fields.length < 9) {
            return null;
        }
        String[] comps = fields[8].split(java.util.regex.Pattern.quote(String.valueOf(compSep)), -1);
        String type = comps[0].strip();
        String event = comps.length > 1 ? comps[1].strip() : "";
        return new String[] {type, event};
    }

    /** The text is not ER7 this parser can split; the message is never part of it (PHI). */
    public static final class Hl7ParseException extends Exception {
        Hl7ParseException(String what) {
            super(what);
        }
    }
}
