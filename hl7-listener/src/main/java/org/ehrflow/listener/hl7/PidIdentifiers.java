package org.ehrflow.listener.hl7;

import java.util.ArrayList;
import java.util.List;
import org.ehrflow.runtime.identity.IdentifierCandidate;

/** Reads the PID-3 repetitions (CX) of the first PID segment as identifier candidates for the patient key. */
public final class PidIdentifiers {

    private PidIdentifiers() {
    }

    /** CX-1 value, CX-4 authority (namespace id, else universal id), CX-5 type; empty if there is no PID. */
    public static List<IdentifierCandidate> candidates(String text, MshHeader h) {
        String pid = firstSegment(text, "PID" + h.fieldSeparator());
        if (pid == null) {
            return List.of();
        }
        String pid3 = Er7.part(pid, h.fieldSeparator(), 3);
        List<IdentifierCandidate> out = new ArrayList<>();
        for (String cx : Er7.split(pid3, h.repetitionSeparator())) {
            char comp = h.componentSeparator();
            String value = Hl7Escapes.unescapeDelimiters(Er7.part(cx, comp, 0), h).strip();
            if (value.isEmpty()) {
                continue;
            }
            String hd = Er7.part(cx, comp, 3);
            String authority = Er7.part(hd, h.subcomponentSeparator(), 0).strip();
            if (authority.isEmpty()) {
                authority = Er7.part(hd, h.subcomponentSeparator(), 1).strip();
            }
            authority = Hl7Escapes.unescapeDelimiters(authority, h);
            String type = Er7.part(cx, comp, 4).strip();
            out.add(new IdentifierCandidate(null, authority.isEmpty() ? null : authority,
                    type.isEmpty() ? null : type, value));
        }
        return out;
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
