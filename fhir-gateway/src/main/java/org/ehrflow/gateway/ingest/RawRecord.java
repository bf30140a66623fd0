package org.ehrflow.gateway.ingest;

import java.util.List;
import java.util.Objects;
import org.ehrflow.schemas.RawMessage;

/**
 * One record the gateway will produce to {@code ehr.raw.fhir.v1}: its key and value. Pure data; the publisher
 * turns it into a Kafka record. The message masks its payload in {@code toString()}.
 *
 * @param key     raw key ({@link RawFhirKeys})
 * @param message the FHIR JSON with its provenance
 * @param touched "Type/id" of every resource it writes, for the patient index used by later DELETEs
 */
public record RawRecord(String key, RawMessage message, List<String> touched) {

    public RawRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
        touched = List.copyOf(touched);
    }
}
