package org.ehrflow.schemas;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a fact came from, carried unchanged from ingress to the vector row so retrieval services can cite it.
 *
 * @param sourceType      the ingress (HL7 v2, FHIR, CDC)
 * @param sourceSystem    the sending system: MSH-3^MSH-4 for HL7, the publisher's name for FHIR, the database for CDC
 * @param sourceMessageId MSH-10 for HL7, the CDC LSN (plus table) for CDC, resource id + versionId for FHIR
 * @param rawTopic        the raw topic the fact was read from (null until the normaliser has read it)
 * @param rawPartition    partition of the raw record (-1 until known)
 * @param rawOffset       offset of the raw record (-1 until known)
 * @param eventTime       when the event happened at the source (MSH-7, CDC commit time, meta.lastUpdated), if known
 * @param ingestTime      when this pipeline accepted the event (listener/publisher/capture clock)
 */
public record Provenance(
        SourceType sourceType,
        String sourceSystem,
        String sourceMessageId,
        String rawTopic,
        int rawPartition,
        long rawOffset,
        Instant eventTime,
        Instant ingestTime) {

    public Provenance {
        Objects.requireNonNull(sourceType, "sourceType");
        Objects.requireNonNull(sourceSystem, "sourceSystem");
        Objects.requireNonNull(sourceMessageId, "sourceMessageId");
        Objects.requireNonNull(ingestTime, "ingestTime");
    }

    /** Provenance as the ingress knows it, before the record has a raw topic position. */
    public static Provenance atIngress(SourceType type, String system, String messageId, Instant eventTime,
            Instant ingestTime) {
        return new Provenance(type, system, messageId, null, -1, -1L, eventTime, ingestTime);
    }

    /** The same provenance with the raw record's Kafka position filled in. */
    public Provenance withRawPosition(String topic, int partition, long offset) {
        return new Provenance(sourceType, sourceSystem, sourceMessageId, topic, partition, offset, eventTime,
                ingestTime);
    }
}
