package org.ehrflow.listener.hl7;

import java.util.ArrayList;
import java.util.List;
import org.ehrflow.runtime.identity.IdentifierCandidate;

/**
 * Reads the PID-3 repetitions (CX) of the first PID segment as identifier candidates for the patient key, exactly
 * as fhir-normalizer's {@code PatientSegmentMapper} does, so the raw record's key equals the normalised patient key:
 * an identifier without CX-4 belongs to the sending facility (MSH-4.1, else MSH-3.1); PID-2 is read only when PID-3
 * names no value; HL7's explicit null {@code ""} counts as empty.
 */
public final class PidIdentifiers {

    private PidIdentifiers() {
    }

    /**
     * CX-1 value, CX-4 authority (namespace id, else universal id, else the sending facility), CX-5 type; empty if
     * there is no PID. Feed the result to {@code PatientKeyResolver.hl7PatientKey}.
     */
    public static List<IdentifierCandidate> candidates(String text, MshHeader h) {
        String pid = firstSegment(text, "PID" + h.fieldSeparator());
        if (pid == null) {
            return List.of();
        }
        String facility = defaultAuthority(h);
        List<IdentifierCandidate> out = field(pid, 3, h, facility);
        return out.isEmpty() ? field(pid, 2, h, facility) : out;
    }

    /**
     * The identifiers only the fallback tier reads ({@code PatientKeyResolver.hl7PatientKey(primary, alternates)}):
     * PID-2 when PID-3 named a value (else PID-2 already is the primary list), then PID-4. Epic orders carry the
     * patient only there, typed EPI.
     */
    public static List<IdentifierCandidate> alternates(String text, MshHeader h) {
        String pid = firstSegment(text, "PID" + h.fieldSeparator());
        if (pid == null) {
            return List.of();
        }
        String facility = defaultAuthority(h);
        List<IdentifierCandidate> out = new ArrayList<>();
        if (!field(pid, 3, h, facility).isEmpty()) {
            out.addAll(field(pid, 2, h, facility));
        }
        out.addAll(field(pid, 4, h, facility));
        return out;
    }

    /** Authority of identifiers without CX-4: MSH-4.1, else MSH-3.1 (null if both are empty). */
    public static String defaultAuthority(MshHeader h) {
        String facility = clean(Hl7Escapes.unescapeDelimiters(
                Er7.part(Er7.part(h.sendingFacility(), h.componentSeparator(), 0), h.subcomponentSeparator(), 0), h));
        if (facility != null) {
            return facility;
        }
        return clean(Hl7Escapes.unescapeDelimiters(
                Er7.part(Er7.part(h.sendingApp(), h.componentSeparator(), 0), h.subcomponentSeparator(), 0), h));
    }

    private static List<IdentifierCandidate> field(String pid, int n, MshHeader h, String facility) {
        String text = Er7.part(pid, h.fieldSeparator(), n);
        List<IdentifierCandidate> out = new ArrayList<>();
        char comp = h.componentSeparator();
        char sub = h.subcomponentSeparator();
        for (String cx : Er7.split(text, h.repetitionSeparator())) {
            String value = clean(Hl7Escapes.unescapeDelimiters(Er7.part(Er7.part(cx, comp, 0), sub, 0), h));
            if (value == null) {
                continue;
            }
            String hd = Er7.part(cx, comp, 3);
            String authority = clean(Hl7Escapes.unescapeDelimiters(Er7.part(hd, sub, 0), h));
            if (authority == null) {
                authority = clean(Hl7Escapes.unescapeDelimiters(Er7.part(hd, sub, 1), h));
            }
            if (authority == null) {
                authority = facility;
            }
            String type = clean(Hl7Escapes.unescapeDelimiters(Er7.part(Er7.part(cx, comp, 4), sub, 0), h));
            out.add(new IdentifierCandidate(null, authority, type, value));
        }
        return out;
    }

    /** Stripped, with "" (HL7 explicit null) and blanks as null: what the normaliser's field reader yields. */
    private static String clean(String v) {
        String t = v.strip();
        return t.isEmpty() || t.equals("\"\"") ? null : t;
    }

    private static String firstSegment(String text, String prefix) {
        int from = 0;
        while (from < text.length()) {
            int end = text.indexOf('\r', from);
            if (end < 0) {
                end = text.length();
            }
            if (text.startsWith(prefix, from)) {
                return text.substring(from, end);
            }
            from = end + 1;
        }
        return null;
    }
}
