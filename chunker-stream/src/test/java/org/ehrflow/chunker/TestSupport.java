package org.ehrflow.chunker;

import java.time.Instant;
import org.ehrflow.chunker.chunking.ChunkingOptions;
import org.ehrflow.chunker.chunking.ResourceChunker;
import org.ehrflow.chunker.chunking.TextChunker;
import org.ehrflow.chunker.chunking.phi.PhiDetector;
import org.ehrflow.embedding.ModelTokenizer;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.embedding.WordPieceTokenizer;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.Provenance;
import org.ehrflow.schemas.RecordOp;
import org.ehrflow.schemas.SourceType;

/** Shared fixtures: one real tokenizer per test JVM (loading it is the slow part) and record builders. */
public final class TestSupport {

    /** The production tokenizer: every budget assertion counts with it. */
    public static final ModelTokenizer TOKENIZER = ModelTokenizer.load(ModelVariant.INT8);
    /** The production counter the chunker uses (pure Java, same counts and spans as {@link #TOKENIZER}). */
    public static final WordPieceTokenizer COUNTER = WordPieceTokenizer.over(TOKENIZER);
    /** A synthetic patient key (not derived from any real identifier). */
    public static final String PATIENT = PatientKey.of("urn:test:mrn", "TEST-0001");

    private TestSupport() {
    }

    public static ResourceChunker chunker() {
        return chunker(ChunkingOptions.defaults());
    }

    public static ResourceChunker chunker(ChunkingOptions options) {
        return new ResourceChunker(new TextChunker(COUNTER, options), PhiDetector.patternsOnly());
    }

    public static Provenance provenance() {
        return new Provenance(SourceType.FHIR, "test-publisher", "Observation/obs-1/_history/1",
                "ehr.raw.fhir.v1", 0, 7L, Instant.parse("2024-01-02T03:04:05Z"), Instant.parse("2024-01-02T03:04:06Z"));
    }

    public static FhirRecord upsert(String type, String id, String json) {
        return new FhirRecord(PATIENT, RecordOp.UPSERT, type, id, "1", null, json, provenance());
    }

    public static FhirRecord delete(String type, String id) {
        return new FhirRecord(PATIENT, RecordOp.DELETE, type, id, "2", null, null, provenance());
    }
}
