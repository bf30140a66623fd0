package org.ehrflow.chunker.topology;

import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.DeadLetter;

/** The chunk step's output inside the topology: a chunk set for the chunk topic or a dead letter for the DLQ. */
sealed interface Routed {

    record Out(ChunkSet set) implements Routed {
    }

    record Dead(DeadLetter letter) implements Routed {
    }
}
