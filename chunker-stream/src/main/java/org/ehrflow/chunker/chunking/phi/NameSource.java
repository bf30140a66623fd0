package org.ehrflow.chunker.chunking.phi;

import java.util.Set;

/**
 * Names known to belong to a patient (and their contacts), so the detector can find them in free text. The
 * chunker does not see Patient resources alongside notes yet; a store-backed source can be plugged in later.
 */
@FunctionalInterface
public interface NameSource {

    /** No known names: only pattern-based name detection applies. */
    NameSource NONE = patientKey -> Set.of();

    /** Name parts (family, given) known for {@code patientKey}; empty if none are known. */
    Set<String> namesFor(String patientKey);
}
