package org.ehrflow.sink.consume;

import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.FhirRecord;

/**
 * What the sink makes of one consumed value: a chunk set or a FHIR record to apply, or a reason to dead-letter it.
 */
public sealed interface Decoded {

    /** A chunk set that satisfies the contract. */
    record Accepted(ChunkSet set) implements Decoded {
    }

    /** A normalised FHIR record (source-record store) that satisfies the contract. */
    record Resource(FhirRecord record) implements Decoded {
    }

    /** A value the sink cannot apply; {@code cause} contributes its class name only. */
    record Rejected(String reasonCode, Throwable cause) implements Decoded {
    }
}
