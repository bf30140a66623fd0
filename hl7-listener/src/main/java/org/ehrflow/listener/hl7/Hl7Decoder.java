package org.ehrflow.listener.hl7;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.ehrflow.hl7.MshHeader;

/**
 * Frame bytes to normalised ER7 text, before anything reads a field: strips a UTF-8 byte order mark and leading
 * blank lines, picks the charset from MSH-18 (read from the raw ASCII bytes of MSH), decodes strictly, and
 * normalises segment terminators ({@code \r\n}, {@code \n}) to {@code \r}. Escape sequences are left as sent.
 */
public final class Hl7Decoder {

    /** Result of decoding one frame. */
    public sealed interface Result permits Decoded, Failed {
    }

    /** Normalised text and the charset it was decoded with (the ACK is encoded with it too). */
    public record Decoded(String text, Charset charset) implements Result {
        @Override
        public String toString() {
            return "Decoded[" + charset + ", " + text.length() + " chars]";
        }
    }

    /** Not decodable: {@code reason} plus the charset to answer in. */
    public record Failed(RejectReason reason, Charset ackCharset) implements Result {
    }

    private Hl7Decoder() {
    }

    /** Decodes {@code frame}, using {@code defaultCharset} when MSH-18 is empty. */
    public static Result decode(byte[] frame, Charset defaultCharset) {
        boolean bom = bomLength(frame) > 0;
        int start = skipBlank(frame, bomLength(frame));
        String head = asciiHead(frame, start);
        Optional<MshHeader> msh = MshHeader.parse(head);
        if (msh.isEmpty()) {
            return new Failed(head.startsWith("MSH") ? RejectReason.MSH_UNPARSEABLE : RejectReason.MSH_MISSING,
                    defaultCharset);
        }
        Charset cs = bom ? StandardCharsets.UTF_8 : defaultCharset;
        String declared = msh.get().charset();
        if (!declared.isEmpty()) {
            Optional<Charset> c = Hl7Charsets.forName(declared);
            if (c.isEmpty()) {
                return new Failed(RejectReason.CHARSET_UNSUPPORTED, defaultCharset);
            }
            cs = c.get();
        }
        String text;
        try {
            text = cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(frame, start, frame.length - start)).toString();
        } catch (CharacterCodingException e) {
            return new Failed(RejectReason.CHARSET_DECODE_FAILED, cs);
        }
        return new Decoded(normaliseTerminators(text), cs);
    }

    /** The MSH segment of {@code frame} read byte-per-char, for building an ACK when decoding failed. */
    public static String asciiHead(byte[] frame) {
        return asciiHead(frame, skipBlank(frame, bomLength(frame)));
    }

    /** {@code \r\n} and lone {@code \n} become {@code \r}; trailing empty segments collapse to one {@code \r}. */
    public static String normaliseTerminators(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 1);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                continue;
            }
            sb.append(c == '\n' ? '\r' : c);
        }
        int end = sb.length();
        while (end > 0 && sb.charAt(end - 1) == '\r') {
            end--;
        }
        sb.setLength(end);
        return sb.append('\r').toString();
    }

    private static int skipBlank(byte[] b, int i) {
        while (i < b.length && (b[i] == '\r' || b[i] == '\n' || b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        return i;
    }

    /** Bytes from {@code start} to the first segment end, ISO-8859-1 (one char per byte: MSH-18 is ASCII). */
    private static String asciiHead(byte[] b, int start) {
        int end = start;
        while (end < b.length && b[end] != '\r' && b[end] != '\n') {
            end++;
        }
        return new String(b, start, end - start, StandardCharsets.ISO_8859_1);
    }

    private static int bomLength(byte[] b) {
        return b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF ? 3 : 0;
    }
}
