package org.ehrflow.normalizer.topology;

import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.FhirRecord;

/** What the normalising processor emits: a FHIR record for the normalised topic, or a dead letter for the DLQ. */
public sealed interface Routed {

    record Output(FhirRecord record) implements Routed {
    }

    record Dead(DeadLetter letter) implements Routed {
    }
}
