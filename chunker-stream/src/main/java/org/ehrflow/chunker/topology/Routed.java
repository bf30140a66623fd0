package org.ehrflow.chunker.topology;

import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.DeadLetter;

/**
 * The chunk step's output inside the topology: a chunk set for the chunk topic, a dead letter for the DLQ, or a
 * merge's state transfer or a redirected record for the internal topic that takes it to the surviving patient's
 * task.
 */
sealed interface Routed {

    record Out(ChunkSet set) implements Routed {
    }

    record Dead(DeadLetter letter) implements Routed {
    }

    record Transfer(StateTransfer transfer) implements Routed {
    }

    /** A retired patient's late record, re-keyed, for the internal topic that takes it to the survivor's task. */
    record Redirect(Redirected redirected) implements Routed {
    }
}
