package org.ehrflow.documents.extract;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.parser.txt.UniversalEncodingDetector;

/**
 * Decodes text the way browsers do: a byte-order mark wins, then the transport's declared charset (the
 * attachment's content type, HL7's or FHIR's "HTTP header"), then for HTML a {@code <meta charset>} /
 * {@code http-equiv} in the first 1024 bytes, then strict UTF-8 if the bytes are valid UTF-8, then a sniffed
 * guess (Tika's universal detector), finally windows-1252, which decodes every byte. A declared charset the
 * bytes contradict (invalid UTF-8 declared UTF-8) falls through to the next rule instead of failing: the
 * windows-1252 newborn-screening report with a correct {@code <meta>} but a wrong or missing transport label
 * is the case this exists for. Thread-safe.
 */
public final class CharsetDecoder {

    private static final Pattern META = Pattern.compile(
            "<meta[^>]+charset\\s*=\\s*[\"']?([A-Za-z0-9_\\-:.]+)", Pattern.CASE_INSENSITIVE);

    private CharsetDecoder() {
    }

    /** The decoded text and the charset that decoded it. */
    public record Decoded(String text, String charset) {
    }

    public static Decoded decode(byte[] data, String declaredContentType, boolean html) {
        if (hasPrefix(data, 0xef, 0xbb, 0xbf)) {
            return new Decoded(new String(data, 3, data.length - 3, StandardCharsets.UTF_8), "UTF-8");
        }
        if (hasPrefix(data, 0xfe, 0xff)) {
            return new Decoded(new String(data, 2, data.length - 2, StandardCharsets.UTF_16BE), "UTF-16BE");
        }
        if (hasPrefix(data, 0xff, 0xfe)) {
            return new Decoded(new String(data, 2, data.length - 2, StandardCharsets.UTF_16LE), "UTF-16LE");
        }
        String declared = MediaTypes.charsetParam(declaredContentType);
        Decoded d = strict(data, declared);
        if (d != null) {
            return d;
        }
        if (html) {
            Matcher m = META.matcher(new String(data, 0, Math.min(1024, data.length), StandardCharsets.ISO_8859_1));
            if (m.find() && (d = strict(data, m.group(1))) != null) {
                return d;
            }
        }
        if ((d = strict(data, "UTF-8")) != null) {
            return d;
        }
        String sniffed = sniff(data);
        if (sniffed != null && (d = strict(data, sniffed)) != null) {
            return d;
        }
        return new Decoded(new String(data, Charset.forName("windows-1252")), "windows-1252");
    }

    private static Decoded strict(byte[] data, String name) {
        if (name == null) {
            return null;
        }
        try {
            Charset cs = Charset.forName(name);
            // Browsers read ISO-8859-1 labels as windows-1252 (WHATWG encoding standard): so do we.
            if (cs.equals(StandardCharsets.ISO_8859_1) || cs.equals(StandardCharsets.US_ASCII)) {
                cs = Charset.forName("windows-1252");
            }
            String s = cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
            return new Decoded(s, cs.name());
        } catch (CharacterCodingException | IllegalArgumentException e) {
            return null; // unknown label or bytes that contradict it: try the next rule
        }
    }

    private static String sniff(byte[] data) {
        try {
            Charset cs = new UniversalEncodingDetector().detect(new ByteArrayInputStream(data), new Metadata());
            return cs == null ? null : cs.name();
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean hasPrefix(byte[] data, int... bom) {
        if (data.length < bom.length) {
            return false;
        }
        for (int i = 0; i < bom.length; i++) {
            if ((data[i] & 0xff) != bom[i]) {
                return false;
            }
        }
        return true;
    }
}
