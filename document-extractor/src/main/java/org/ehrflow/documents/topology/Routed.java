package org.ehrflow.documents.topology;

import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.DocumentText;

/** What the extract step forwards: text for the chunker, a record for the slow lane, or a dead letter. */
sealed interface Routed {

    record Out(DocumentText document) implements Routed {
    }

    /** The normalised record's original bytes, moved unchanged to the slow lane. */
    record Slow(byte[] original) implements Routed {
    }

    record Dead(DeadLetter letter) implements Routed {
    }
}
