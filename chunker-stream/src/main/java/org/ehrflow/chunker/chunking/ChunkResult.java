package org.ehrflow.chunker.chunking;

import java.util.Map;
import org.ehrflow.schemas.ChunkSet;

/** What chunking one FhirRecord gave: a chunk set, nothing (type not chunked), or a rejection with a reason. */
public sealed interface ChunkResult {

    /**
     * The record's chunk set.
     *
     * @param set                the set (UPSERT with its chunks, or DELETE)
     * @param skippedAttachments attachments not chunked, by reason (url_only, no_data, unsupported_type,
     *                           alternate_rendition)
     */
    record Mapped(ChunkSet set, Map<String, Integer> skippedAttachments) implements ChunkResult {
        public Mapped {
            skippedAttachments = Map.copyOf(skippedAttachments);
        }
    }

    /** The resource type is not chunked (Claim, Organization, ...): nothing is emitted. */
    record Unsupported(String resourceType) implements ChunkResult {
    }

    /**
     * The record cannot be chunked; it goes to the DLQ.
     *
     * @param reasonCode a code of {@link org.ehrflow.chunker.error.ReasonCodes}
     * @param cause      the exception, if any (only its class name is ever recorded)
     */
    record Rejected(String reasonCode, Throwable cause) implements ChunkResult {
    }
}
