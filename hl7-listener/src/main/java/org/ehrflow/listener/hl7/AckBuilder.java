package org.ehrflow.listener.hl7;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.ehrflow.hl7.Hl7Escapes;
import org.ehrflow.hl7.MshHeader;

/**
 * Builds original-mode ACKs: MSH with sending and receiving application/facility swapped, the sender's separators,
 * version, processing id and MSH-18; MSH-9 {@code ACK^<trigger>^ACK}; a fresh control id; MSA-1 the code and
 * MSA-2 the original MSH-10. Non-AA answers carry an ERR segment with the HL7 error code (table 0357) and the
 * listener's reason code: ERR-2/3/4/5 from v2.5 on, ERR-1 plus MSA-3 before. Only fixed text, never content.
 */
public final class AckBuilder {

    /** Version used when the message's MSH is unreadable or has no MSH-12. */
    public static final String DEFAULT_VERSION = "2.5.1";
    /** Coding system of the listener's reason codes in ERR (local systems start with "99"). */
    public static final String REASON_CODING_SYSTEM = "99EHRFLOW";

    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyyMMddHHmmss.SSSZ")
            .withZone(ZoneOffset.UTC);
    private static final MshHeader UNKNOWN = new MshHeader('|', "^~\\&", "", "", "", "", "", "", "", "", "P",
            DEFAULT_VERSION, "");

    private AckBuilder() {
    }

    /**
     * The ACK text ({@code \r}-terminated segments).
     *
     * @param original     the message's MSH, or null if unreadable
     * @param code         MSA-1
     * @param reason       why not AA (null for AA)
     * @param ackControlId MSH-10 of the ACK
     * @param now          MSH-7 of the ACK
     */
    public static String build(MshHeader original, AckCode code, RejectReason reason, String ackControlId,
            Instant now) {
        MshHeader h = original == null ? UNKNOWN : original;
        String f = String.valueOf(h.fieldSeparator());
        char c = h.componentSeparator();
        String version = h.version().isEmpty() ? DEFAULT_VERSION : h.version();
        boolean modernErr = atLeast(version, 2, 5, 0);
        String type = atLeast(version, 2, 3, 1) ? "ACK" + c + h.triggerEvent() + c + "ACK"
                : h.triggerEvent().isEmpty() ? "ACK" : "ACK" + c + h.triggerEvent();
        StringBuilder sb = new StringBuilder(256);
        sb.append("MSH").append(f).append(h.encodingChars())
                .append(f).append(h.receivingApp()).append(f).append(h.receivingFacility())
                .append(f).append(h.sendingApp()).append(f).append(h.sendingFacility())
                .append(f).append(TS.format(now)).append(f)
                .append(f).append(type).append(f).append(ackControlId)
                .append(f).append(h.processingId().isEmpty() ? "P" : h.processingId())
                .append(f).append(version);
        if (!h.charset().isEmpty()) {
            sb.append(f.repeat(6)).append(h.charset());
        }
        sb.append('\r');
        sb.append("MSA").append(f).append(code.name()).append(f).append(h.controlId());
        if (reason != null && !modernErr) {
            sb.append(f).append(reason.name());
        }
        sb.append('\r');
        if (reason != null) {
            sb.append(modernErr ? err25(h, reason) : errLegacy(h, reason)).append('\r');
        }
        return sb.toString();
    }

    /** v2.5+: ERR-2 location, ERR-3 HL7 error code, ERR-4 severity, ERR-5 the listener's reason code. */
    private static String err25(MshHeader h, RejectReason r) {
        String f = String.valueOf(h.fieldSeparator());
        char c = h.componentSeparator();
        String location = r.mshField() > 0 ? "MSH" + c + "1" + c + r.mshField() : "";
        return "ERR" + f + f + location
                + f + r.hl7ErrorCode() + c + escape(r.hl7ErrorText(), h) + c + "HL70357"
                + f + "E"
                + f + r.name() + c + escape(r.description(), h) + c + REASON_CODING_SYSTEM;
    }

    /** Before v2.5: ERR-1 (ELD) {@code MSH^1^field^code&text&HL70357}. */
    private static String errLegacy(MshHeader h, RejectReason r) {
        char c = h.componentSeparator();
        char s = h.subcomponentSeparator();
        String seg = r.mshField() > 0 ? "MSH" + c + "1" + c + r.mshField() : "" + c + c;
        return "ERR" + h.fieldSeparator() + seg + c + r.hl7ErrorCode() + s + escape(r.hl7ErrorText(), h) + s
                + "HL70357";
    }

    /** Escapes delimiter characters in fixed text (a sender may pick unusual separators). */
    static String escape(String text, MshHeader h) {
        return Hl7Escapes.escape(text, h.delimiters());
    }

    /** Whether HL7 version {@code v} ("2.3.1") is at least major.minor.patch; unreadable versions count as new. */
    static boolean atLeast(String v, int major, int minor, int patch) {
        String[] p = v.strip().split("\\.");
        try {
            int[] n = {Integer.parseInt(p[0]), p.length > 1 ? Integer.parseInt(p[1]) : 0,
                p.length > 2 ? Integer.parseInt(p[2]) : 0};
            int[] want = {major, minor, patch};
            for (int i = 0; i < 3; i++) {
                if (n[i] != want[i]) {
                    return n[i] > want[i];
                }
            }
            return true;
        } catch (NumberFormatException e) {
            return true;
        }
    }
}
