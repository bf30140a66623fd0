package org.ehrflow.chunker.chunking.phi;

import java.util.Set;

/**
 * Names known to belong to a patient, for {@link PhiDetector#detect(String, String)}. The streaming app passes
 * what it learned from Patient/RelatedPerson/Practitioner resources as a {@link KnownPhi} instead; this interface
 * serves callers without that state (tools, tests).
 */
@FunctionalInterface
public interface NameSource {

    /** No known names: only pattern-based name detection applies. */
    NameSource NONE = patientKey -> Set.of();

    /** Name parts (family, given) known for {@code patientKey}; empty if none are known. */
    Set<String> namesFor(String patientKey);
}
