package org.ehrflow.sink.consume;

import org.ehrflow.schemas.ChunkSet;

/** What the sink makes of one consumed value: a chunk set to apply, or a reason to dead-letter it. */
public sealed interface Decoded {

    /** A chunk set that satisfies the contract. */
    record Accepted(ChunkSet set) implements Decoded {
    }

    /** A value the sink cannot apply; {@code cause} contributes its class name only. */
    record Rejected(String reasonCode, Throwable cause) implements Decoded {
    }
}
