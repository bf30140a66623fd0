package org.ehrflow.chunker.chunking;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Resolves HL7 v2 escape sequences that survive into note text (\T\, \F\, \.br\, ...) to plain characters. */
public final class Hl7Escapes {

    // Delimiter escapes, formatting commands (\.br\, \.sp\, \.in+4\ ...), highlighting, hex and local escapes.
    private static final Pattern ESCAPE = Pattern.compile(
            "\\\\(T|F|S|R|E|H|N|\\.br|\\.sp\\s*\\+?\\d*|\\.in\\s*[+-]?\\d*|\\.ti\\s*[+-]?\\d*|\\.sk\\s*[+-]?\\d*"
                    + "|\\.ce|\\.fi|\\.nf|X[0-9A-Fa-f]*|Z[A-Za-z0-9]*)\\\\");

    private Hl7Escapes() {
    }

    /** {@code text} with every recognised escape replaced; unrecognised backslashes are kept. */
    public static String unescape(String text) {
        if (text.indexOf('\\') < 0) {
            return text;
        }
        Matcher m = ESCAPE.matcher(text);
        return m.replaceAll(r -> Matcher.quoteReplacement(resolve(r.group(1))));
    }

    private static String resolve(String code) {
        switch (code) {
            case "T": return "&";
            case "F": return "|";
            case "S": return "^";
            case "R": return "~";
            case "E": return "\\";
            case ".br": return "\n";
            default: break;
        }
        if (code.startsWith(".sp")) {
            return "\n";
        }
        if (code.startsWith("X") && code.length() > 1 && code.length() % 2 == 1) {
            return new String(HexFormat.of().parseHex(code.substring(1)), StandardCharsets.UTF_8);
        }
        // Highlighting, indentation, centring and local (Z) escapes carry no text.
        return "";
    }
}
