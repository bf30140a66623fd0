package org.ehrflow.normalizer.mapping.fhir;

import java.util.ArrayList;
import java.util.List;

/**
 * Newline-delimited FHIR JSON (bulk data export): one resource per line. A payload is NDJSON when it has at least
 * two non-blank lines and every non-blank line is a whole JSON object ({@code {...}}); pretty-printed JSON never
 * is, because its inner lines start with blanks or quotes.
 */
final class Ndjson {

    private Ndjson() {
    }

    /** The resource lines of an NDJSON payload, or null if the payload is a single JSON document. */
    static List<String> lines(String payload) {
        List<String> out = new ArrayList<>();
        for (String line : payload.split("\r?\n")) {
            String t = line.strip();
            if (t.isEmpty()) {
                continue;
            }
            if (!t.startsWith("{") || !t.endsWith("}")) {
                return null;
            }
            out.add(t);
        }
        return out.size() >= 2 ? out : null;
    }
}
