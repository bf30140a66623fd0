package org.ehrflow.hl7;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The one HL7 v2 escape implementation (v2.5.1 sections 2.7.1 to 2.7.6): {@code \F\ \S\ \T\ \R\ \E\} give the
 * delimiter ({@code \P\} the v2.7 truncation character where MSH-2 declares one), {@code \.br\} and {@code \.sp\} a
 * line break, {@code \.sk n\} n spaces; {@code \H\ \N\} and the
 * other formatting commands ({@code \.fi\ \.nf\ \.in\ \.ti\ \.ce\}) carry no text and are dropped;
 * {@code \Xhh..\} is hexadecimal data, decoded as UTF-8 where it is valid UTF-8, else one character per byte.
 * The character-set escapes {@code \Cxxyy\} and {@code \Mxxyyzz\} (ISO 2022 switching) and locally defined
 * {@code \Z..\} cannot be honoured on decoded text: they stay as sent and {@link #charsetEscapes} counts them.
 * An escape character that opens no known sequence is kept as text.
 */
public final class Hl7Escapes {

    private static final Pattern COMMAND_ARGUMENT = Pattern.compile("[+-]?\\d{0,3}");

    private Hl7Escapes() {
    }

    /** {@code v} with every escape sequence of {@code d} resolved. */
    public static String unescape(String v, Delimiters d) {
        char esc = d.escape();
        if (!d.escapes() || v.indexOf(esc) < 0) {
            return v;
        }
        StringBuilder sb = new StringBuilder(v.length());
        int i = 0;
        while (i < v.length()) {
            char c = v.charAt(i);
            int close = c == esc ? v.indexOf(esc, i + 1) : -1;
            if (close < 0 || !resolve(v.substring(i + 1, close), d, sb)) {
                sb.append(c);
                i++;
                continue;
            }
            i = close + 1;
        }
        return sb.toString();
    }

    /** {@code text} with every delimiter escaped, for fixed text written into a message (e.g. an ACK's ERR). */
    public static String escape(String text, Delimiters d) {
        char e = d.escapes() ? d.escape() : '\\';
        StringBuilder sb = new StringBuilder(text.length());
        for (char ch : text.toCharArray()) {
            char code = ch == e ? 'E' : ch == d.field() ? 'F' : ch == d.component() ? 'S'
                    : ch == d.repetition() ? 'R' : ch == d.subcomponent() ? 'T'
                    : d.truncation() != Delimiters.NONE && ch == d.truncation() ? 'P' : 0;
            if (code == 0) {
                sb.append(ch);
            } else {
                sb.append(e).append(code).append(e);
            }
        }
        return sb.toString();
    }

    /** Number of character-set escapes ({@code \C..\}, {@code \M..\}) in raw text {@code v}. */
    public static int charsetEscapes(String v, Delimiters d) {
        if (!d.escapes()) {
            return 0;
        }
        int n = 0;
        int i = v.indexOf(d.escape());
        while (i >= 0 && i + 1 < v.length()) {
            int close = v.indexOf(d.escape(), i + 1);
            if (close < 0) {
                break;
            }
            String seq = v.substring(i + 1, close);
            if (charset(seq)) {
                n++;
                i = v.indexOf(d.escape(), close + 1);
            } else {
                i = close;
            }
        }
        return n;
    }

    /** Appends what {@code seq} (the text between two escape characters) stands for; false if it is no escape. */
    private static boolean resolve(String seq, Delimiters d, StringBuilder sb) {
        switch (seq) {
            case "F" -> sb.append(d.field());
            case "S" -> sb.append(d.component());
            case "T" -> sb.append(d.subcomponent());
            case "R" -> sb.append(d.repetition());
            case "E" -> sb.append(d.escape());
            case "P" -> {
                if (d.truncation() == Delimiters.NONE) {
                    return false;
                }
                sb.append(d.truncation());
            }
            case "H", "N", ".fi", ".nf", ".ce" -> {
                // highlighting and fill/centre mode: formatting only
            }
            case ".br" -> sb.append('\n');
            default -> {
                if (charset(seq) || local(seq)) {
                    sb.append(d.escape()).append(seq).append(d.escape()); // kept as sent, see the class comment
                    return true;
                }
                return command(seq, sb) || hex(seq, sb);
            }
        }
        return true;
    }

    /** {@code .sp n}, {@code .sk n}, {@code .in n}, {@code .ti n} (n optional, signed for indents). */
    private static boolean command(String seq, StringBuilder sb) {
        if (seq.length() < 3 || seq.charAt(0) != '.') {
            return false;
        }
        String name = seq.substring(0, 3);
        String arg = seq.substring(3).strip();
        if (!COMMAND_ARGUMENT.matcher(arg).matches()) {
            return false;
        }
        int n = arg.isEmpty() || arg.equals("+") || arg.equals("-") ? 1 : Math.abs(Integer.parseInt(arg));
        switch (name) {
            case ".sp" -> sb.append("\n".repeat(Math.max(1, n)));
            case ".sk" -> sb.append(" ".repeat(n));
            case ".in", ".ti" -> {
                // indentation: formatting only
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static boolean hex(String seq, StringBuilder sb) {
        if (seq.length() < 3 || seq.charAt(0) != 'X' || seq.length() % 2 == 0) {
            return false;
        }
        byte[] bytes = new byte[(seq.length() - 1) / 2];
        for (int i = 0; i < bytes.length; i++) {
            int hi = Character.digit(seq.charAt(1 + 2 * i), 16);
            int lo = Character.digit(seq.charAt(2 + 2 * i), 16);
            if (hi < 0 || lo < 0) {
                return false;
            }
            bytes[i] = (byte) (hi * 16 + lo);
        }
        try {
            sb.append(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)));
        } catch (CharacterCodingException e) {
            sb.append(new String(bytes, StandardCharsets.ISO_8859_1));
        }
        return true;
    }

    private static boolean local(String seq) {
        return seq.length() > 1 && seq.charAt(0) == 'Z' && seq.chars().allMatch(Character::isLetterOrDigit);
    }

    private static boolean charset(String seq) {
        return seq.length() >= 5 && (seq.charAt(0) == 'C' || seq.charAt(0) == 'M')
                && seq.substring(1).chars().allMatch(ch -> Character.digit(ch, 16) >= 0);
    }
}
