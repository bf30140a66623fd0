package org.ehrflow.chunker.chunking;

import org.ehrflow.chunker.chunking.aggregate.Fact;
import org.ehrflow.chunker.chunking.aggregate.SeriesPoint;
import org.ehrflow.chunker.chunking.phi.KnownPhi;
import org.ehrflow.chunker.chunking.render.Rendered;
import org.ehrflow.schemas.FhirRecord;

/**
 * What one FhirRecord means to the chunker, before any state is consulted: the topology decides from it which
 * chunk sets (per-resource, encounter aggregate, patient summary) change.
 */
public sealed interface Interpretation {

    /** The record cannot be chunked; it goes to the DLQ with {@code reasonCode}. */
    record Rejected(String reasonCode, Throwable cause) implements Interpretation {
    }

    /** The type is not chunked and makes nothing known. */
    record Unsupported(String resourceType) implements Interpretation {
    }

    /** The resource is gone (DELETE, entered in error, cancelled, not done): everything it produced is retracted. */
    record Retract(FhirRecord rec, String encounterId) implements Interpretation {
    }

    /** The record key's patient was merged into {@code rec.targetPatientKey()}. */
    record Merge(FhirRecord rec) implements Interpretation {
    }

    /** A note (DocumentReference, DiagnosticReport with text): always its own chunk set. */
    record Note(FhirRecord rec, String encounterId, NoteExtractor.Note note) implements Interpretation {
    }

    /**
     * A rendered structured resource.
     *
     * @param rendered    its sentences
     * @param time        when it happened (UTC instant string, for story order), or null
     * @param summaryItem what it adds to the patient summary now, or null
     * @param identity    names and identifiers it makes known (Patient), else {@link KnownPhi#NONE}
     * @param seriesPoint the result it adds to its code's observation series (an Observation with a value), or null
     */
    record Structured(FhirRecord rec, String encounterId, Rendered rendered, String time, Fact summaryItem,
            KnownPhi identity, SeriesPoint seriesPoint)
            implements Interpretation {
    }

    /** A resource that is not chunked but makes names known (RelatedPerson, Practitioner). */
    record Identity(FhirRecord rec, KnownPhi identity) implements Interpretation {
    }
}
