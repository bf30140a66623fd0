package org.ehrflow.listener.hl7;

import java.util.List;
import java.util.Optional;

/**
 * The MSH fields the listener needs, read with a light ER7 reader: raw field text (escapes kept), first
 * components where the field is composite. Sending/receiving application and facility keep their full field
 * text so the ACK can echo them unchanged.
 *
 * @param fieldSeparator    MSH-1
 * @param encodingChars     MSH-2 as sent (usually {@code ^~\&})
 * @param sendingApp        MSH-3
 * @param sendingFacility   MSH-4
 * @param receivingApp      MSH-5
 * @param receivingFacility MSH-6
 * @param dateTime          MSH-7, first component
 * @param messageType       MSH-9.1
 * @param triggerEvent      MSH-9.2
 * @param controlId         MSH-10
 * @param processingId      MSH-11.1
 * @param version           MSH-12.1
 * @param charset           MSH-18, first repetition
 */
public record MshHeader(char fieldSeparator, String encodingChars, String sendingApp, String sendingFacility,
        String receivingApp, String receivingFacility, String dateTime, String messageType, String triggerEvent,
        String controlId, String processingId, String version, String charset) {

    /** Reads MSH from the first segment of {@code text}; empty if it is not an MSH segment with usable separators. */
    public static Optional<MshHeader> parse(String text) {
        String seg = Er7.firstSegment(text);
        if (seg.length() < 5 || !seg.startsWith("MSH")) {
            return Optional.empty();
        }
        char fs = seg.charAt(3);
        if (Character.isLetterOrDigit(fs) || Character.isWhitespace(fs)) {
            return Optional.empty();
        }
        List<String> f = Er7.split(seg, fs);
        String enc = f.get(1);
        // Component and repetition separators are the minimum this reader needs; they must differ from MSH-1.
        if (enc.length() < 2 || enc.indexOf(fs) >= 0 || enc.charAt(0) == enc.charAt(1)
                || Character.isLetterOrDigit(enc.charAt(0)) || Character.isLetterOrDigit(enc.charAt(1))) {
            return Optional.empty();
        }
        char comp = enc.charAt(0);
        char rep = enc.charAt(1);
        String type = field(f, 9);
        return Optional.of(new MshHeader(fs, enc, field(f, 3), field(f, 4), field(f, 5), field(f, 6),
                Er7.part(field(f, 7), comp, 0).strip(), Er7.part(type, comp, 0).strip(),
                Er7.part(type, comp, 1).strip(), field(f, 10).strip(), Er7.part(field(f, 11), comp, 0).strip(),
                Er7.part(field(f, 12), comp, 0).strip(), Er7.part(field(f, 18), rep, 0).strip()));
    }

    /** MSH-n from the split first segment (MSH-1 is the separator itself, so MSH-n is part n-1). */
    private static String field(List<String> parts, int n) {
        return n - 1 < parts.size() ? parts.get(n - 1) : "";
    }

    public char componentSeparator() {
        return encodingChars.charAt(0);
    }

    public char repetitionSeparator() {
        return encodingChars.charAt(1);
    }

    /** MSH-2.3, if present. */
    public Optional<Character> escapeChar() {
        return encodingChars.length() > 2 ? Optional.of(encodingChars.charAt(2)) : Optional.empty();
    }

    /** MSH-2.4, else {@code &}. */
    public char subcomponentSeparator() {
        return encodingChars.length() > 3 ? encodingChars.charAt(3) : '&';
    }

    /** "MSH-3^MSH-4" (namespace ids, or universal ids where the namespace is empty): provenance source system. */
    public String sourceSystem() {
        return hdName(sendingApp) + "^" + hdName(sendingFacility);
    }

    private String hdName(String hd) {
        String ns = Er7.part(hd, componentSeparator(), 0).strip();
        return ns.isEmpty() ? Er7.part(hd, componentSeparator(), 1).strip() : ns;
    }
}
