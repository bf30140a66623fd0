package org.ehrflow.normalizer.mapping.cdc;

import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.r4.model.Base;

/**
 * Sets a value at a mapping path ({@code "content[0].attachment.data"}, {@code "value[x]"}) through HAPI's generic
 * property access, so a mapping file can name any element of any R4 resource. Intermediate elements are created
 * only when a value is set; {@code [n]} reuses entry n of a list if it exists, else adds one.
 */
final class FhirPath {

    private FhirPath() {
    }

    /** @return false when the element rejects the value (e.g. a code outside its value set); nothing is set then */
    static boolean set(Base root, String[] segments, Base value) {
        // Resolve without creating first: a rejected value must leave no empty parent behind.
        Base cur = root;
        for (int i = 0; i < segments.length - 1; i++) {
            cur = child(cur, segments[i]);
        }
        try {
            cur.setProperty(name(segments[segments.length - 1]), value);
            return true;
        } catch (FHIRException | IllegalArgumentException e) {
            return false;
        }
    }

    private static Base child(Base parent, String segment) {
        String name = name(segment);
        int index = index(segment);
        Base[] existing = parent.getProperty(name.hashCode(), name, false);
        if (existing != null && index < existing.length && existing[index] != null) {
            return existing[index];
        }
        return parent.makeProperty(name.hashCode(), name);
    }

    static String name(String segment) {
        int b = segment.indexOf('[');
        return b < 0 || segment.endsWith("[x]") ? segment : segment.substring(0, b);
    }

    private static int index(String segment) {
        int b = segment.indexOf('[');
        if (b < 0 || segment.endsWith("[x]")) {
            return 0;
        }
        return Integer.parseInt(segment.substring(b + 1, segment.length() - 1));
    }
}
