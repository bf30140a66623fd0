package org.ehrflow.listener.hl7;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MSH-18 character set names (HL7 table 0211) to Java charsets. Only byte-oriented, ASCII-compatible encodings
 * are supported: MLLP framing and the MSH-18 lookup itself read ASCII bytes, so UTF-16/32 cannot arrive intact.
 * The legacy bare "UNICODE" (v2.3) is read as UTF-8: a message whose MSH reads as ASCII bytes can only be UTF-8.
 */
public final class Hl7Charsets {

    private static final Pattern ISO_8859 = Pattern.compile("8859/(\\d{1,2})");

    private Hl7Charsets() {
    }

    /** The charset for an MSH-18 value; empty if unsupported. */
    public static Optional<Charset> forName(String hl7Name) {
        String n = hl7Name.strip().toUpperCase(Locale.ROOT);
        switch (n) {
            case "ASCII", "ISO IR6":
                return Optional.of(StandardCharsets.US_ASCII);
            case "UNICODE UTF-8", "UNICODE", "UTF-8":
                return Optional.of(StandardCharsets.UTF_8);
            case "ISO IR100":
                return Optional.of(StandardCharsets.ISO_8859_1);
            default:
                break;
        }
        Matcher m = ISO_8859.matcher(n);
        if (m.matches()) {
            return javaCharset("ISO-8859-" + Integer.parseInt(m.group(1)));
        }
        return Optional.empty();
    }

    /** The MSH-18 name to echo for a charset, the inverse of {@link #forName} for the usual names. */
    public static String hl7Name(Charset cs) {
        if (cs.equals(StandardCharsets.UTF_8)) {
            return "UNICODE UTF-8";
        }
        if (cs.equals(StandardCharsets.US_ASCII)) {
            return "ASCII";
        }
        String name = cs.name();
        return name.startsWith("ISO-8859-") ? "8859/" + name.substring("ISO-8859-".length()) : name;
    }

    private static Optional<Charset> javaCharset(String name) {
        try {
            return Optional.of(Charset.forName(name));
        } catch (UnsupportedCharsetException | IllegalCharsetNameException e) {
            return Optional.empty();
        }
    }
}
