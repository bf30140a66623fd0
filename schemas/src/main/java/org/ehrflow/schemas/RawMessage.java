package org.ehrflow.schemas;

import java.util.Objects;

/**
 * Value of the raw ingress topics: one source message as received (decoded to text), with its provenance.
 * The payload is PHI: {@link #toString()} never prints it.
 *
 * @param contentType how to read the payload
 * @param provenance  where it came from
 * @param payload     HL7 v2 ER7 text, FHIR JSON (resource or Bundle), or a Debezium change event as JSON
 */
public record RawMessage(ContentType contentType, Provenance provenance, String payload) {

    /** The payload formats the raw topics carry. */
    public enum ContentType {
        HL7V2_ER7,
        FHIR_JSON,
        DEBEZIUM_JSON
    }

    public RawMessage {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(provenance, "provenance");
        Objects.requireNonNull(payload, "payload");
    }

    @Override
    public String toString() {
        return "RawMessage[" + contentType + ", " + provenance.sourceType() + " " + provenance.sourceMessageId()
                + ", " + payload.length() + " chars]";
    }
}
