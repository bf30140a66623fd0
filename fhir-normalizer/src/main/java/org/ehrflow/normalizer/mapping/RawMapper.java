package org.ehrflow.normalizer.mapping;

import org.ehrflow.schemas.RawMessage;

/** Maps one raw message of one ingress to FHIR records; pure, never sees Kafka types. */
@FunctionalInterface
public interface RawMapper {

    /**
     * @param rawKey the raw record's key (FHIR: "fhir-patient:&lt;id&gt;" when the publisher knew the patient)
     * @param raw    the raw message
     * @param links  links learned from earlier messages of the same partition
     */
    MappingResult map(String rawKey, RawMessage raw, LinkLookup links);
}
