package org.ehrflow.normalizer.mapping;

import java.util.Optional;

/**
 * Read access to links learned from earlier messages ("ehr-patient:7" -> patient key, "ehr-encounter:3" ->
 * Encounter id, "fhir-patient:abc" -> patient key). Backed by a state store in the topology, by a map in tests.
 */
@FunctionalInterface
public interface LinkLookup {

    /** No links known. */
    LinkLookup NONE = key -> Optional.empty();

    Optional<String> find(String linkKey);
}
