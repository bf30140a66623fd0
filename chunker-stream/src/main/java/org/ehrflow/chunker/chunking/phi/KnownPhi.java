package org.ehrflow.chunker.chunking.phi;

import java.util.Set;

/**
 * What the chunker knows about one patient's identity (from Patient, RelatedPerson and Practitioner resources):
 * name parts and full names, and identifier values (MRNs, member ids, phone numbers), to find them in free text.
 *
 * @param names       names and name parts (at least 3 characters each are searched)
 * @param identifiers identifier and telecom values
 */
public record KnownPhi(Set<String> names, Set<String> identifiers) {

    public static final KnownPhi NONE = new KnownPhi(Set.of(), Set.of());

    public KnownPhi {
        names = Set.copyOf(names);
        identifiers = Set.copyOf(identifiers);
    }

    public boolean isEmpty() {
        return names.isEmpty() && identifiers.isEmpty();
    }
}
