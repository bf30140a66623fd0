package org.ehrflow.cdc.mapping;

import org.ehrflow.schemas.RawMessage;

/** What the capture does with one Debezium event: publish it, skip it, or dead-letter it. */
public sealed interface MappingResult {

    /**
     * A data change to publish on the raw CDC topic.
     *
     * @param key   {@code ehr-patient:<patient id>}
     * @param table {@code <schema>.<table>} (a metrics label: no PHI)
     * @param op    Debezium op code (c, u, d, r)
     * @param value the raw message with provenance and the event JSON as payload
     */
    record Mapped(String key, String table, String op, RawMessage value) implements MappingResult {
    }

    /**
     * Not a data change (heartbeat, tombstone): acknowledged without publishing.
     *
     * @param kind short label for metrics
     */
    record Skipped(String kind) implements MappingResult {
    }

    /**
     * A data change that cannot be keyed or read.
     *
     * @param reasonCode      one of {@link org.ehrflow.cdc.error.ReasonCodes}
     * @param sourceMessageId what is known of "schema.table:lsn:row id", or the destination topic
     */
    record Rejected(String reasonCode, String sourceMessageId) implements MappingResult {
    }
}
