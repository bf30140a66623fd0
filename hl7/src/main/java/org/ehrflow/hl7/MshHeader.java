package org.ehrflow.hl7;

import java.util.Optional;

/**
 * The MSH facts the listener acts on before any full read: raw field text (escapes kept) where the ACK echoes a
 * field unchanged, first components where the field is composite.
 *
 * @param fieldSeparator    MSH-1
 * @param encodingChars     MSH-2 as sent (after the doubled-backslash repair of {@link Er7#normalise})
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
        String seg = Er7.firstSegment(text.startsWith("\uFEFF") ? text.substring(1) : text);
        int lf = seg.indexOf('\n');
        seg = Er7.repairMsh2(lf < 0 ? seg : seg.substring(0, lf));
        Delimiters d = Er7Parser.delimiters(seg);
        if (d == null) {
            return Optional.empty();
        }
        Segment msh = Er7Parser.segment(seg, d);
        char comp = d.component();
        return Optional.of(new MshHeader(d.field(), raw(msh, 2), raw(msh, 3), raw(msh, 4), raw(msh, 5),
                raw(msh, 6), first(msh, 7, comp), first(msh, 9, comp), Er7.part(raw(msh, 9), comp, 1).strip(),
                raw(msh, 10).strip(), first(msh, 11, comp), first(msh, 12, comp),
                Er7.part(raw(msh, 18), d.repetition(), 0).strip()));
    }

    private static String raw(Segment s, int n) {
        String v = s.raw(n);
        return v == null ? "" : v;
    }

    private static String first(Segment s, int n, char comp) {
        return Er7.part(raw(s, n), comp, 0).strip();
    }

    /** The delimiters MSH-1 and MSH-2 declare. */
    public Delimiters delimiters() {
        Delimiters d = Delimiters.of(fieldSeparator, encodingChars);
        return d != null ? d : Delimiters.DEFAULT;
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

    /** Authority of identifiers without CX-4: MSH-4.1, else MSH-3.1 (unescaped; null if both are empty). */
    public String defaultAuthority() {
        Delimiters d = delimiters();
        String facility = Hl7Fields.value(sendingFacility, d, 0, 1, 1);
        return facility != null ? facility : Hl7Fields.value(sendingApp, d, 0, 1, 1);
    }

    private String hdName(String hd) {
        String ns = Er7.part(hd, componentSeparator(), 0).strip();
        return ns.isEmpty() ? Er7.part(hd, componentSeparator(), 1).strip() : ns;
    }
}
