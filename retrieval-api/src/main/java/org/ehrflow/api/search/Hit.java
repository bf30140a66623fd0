package org.ehrflow.api.search;

import java.time.Instant;
import java.util.List;

/**
 * One search result with what an answer cites. {@code text} is the raw chunk text or its de-identified form,
 * as the caller's level allows; it is PHI either way and left out of {@link #toString()}.
 *
 * @param distance  cosine distance (0 = same direction)
 * @param citations the resources whose facts the chunk states ("Type/id" and version where known)
 */
public record Hit(String chunkId, String sourceId, String resourceType, String section, String noteType,
        String text, double distance, String sourceType, String sourceMessageId, Instant eventTime,
        List<Citation> citations) {

    public Hit {
        citations = List.copyOf(citations);
    }

    /** A cited resource: {@code resource} is "Type/id"; {@code version} null where the backend does not know it. */
    public record Citation(String chunkId, String resource, String version) {
    }

    @Override
    public String toString() {
        return "Hit[" + chunkId + ", distance=" + distance + "]";
    }
}
