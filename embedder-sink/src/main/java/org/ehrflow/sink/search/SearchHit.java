package org.ehrflow.sink.search;

import java.time.Instant;
import java.util.Locale;
import org.ehrflow.schemas.Citation;
import org.ehrflow.schemas.SourceType;

/**
 * One result of a patient-scoped search, with the provenance a retrieval service cites. The text is PHI:
 * {@link #toString()} leaves it out.
 *
 * @param distance cosine distance to the query (0 = same direction, 2 = opposite)
 * @param citation pages, section code and OCR facts of a chunk from an extracted document, else null
 */
public record SearchHit(
        String chunkId,
        String sourceId,
        String resourceType,
        String section,
        String noteType,
        String text,
        double distance,
        SourceType sourceType,
        String sourceSystem,
        String sourceMessageId,
        String rawTopic,
        int rawPartition,
        long rawOffset,
        Instant eventTime,
        Citation citation) {

    /** A hit without a document citation. */
    public SearchHit(String chunkId, String sourceId, String resourceType, String section, String noteType,
            String text, double distance, SourceType sourceType, String sourceSystem, String sourceMessageId,
            String rawTopic, int rawPartition, long rawOffset, Instant eventTime) {
        this(chunkId, sourceId, resourceType, section, noteType, text, distance, sourceType, sourceSystem,
                sourceMessageId, rawTopic, rawPartition, rawOffset, eventTime, null);
    }

    @Override
    public String toString() {
        return "SearchHit[" + chunkId + ", distance=" + String.format(Locale.ROOT, "%.4f", distance) + ", "
                + sourceType + " " + sourceMessageId + " at " + rawTopic + "-" + rawPartition + "@" + rawOffset + "]";
    }
}
