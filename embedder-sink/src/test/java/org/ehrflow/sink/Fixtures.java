package org.ehrflow.sink;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.ehrflow.schemas.Chunk;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.Provenance;
import org.ehrflow.schemas.RecordOp;
import org.ehrflow.schemas.SourceType;
import org.ehrflow.schemas.Topics;
import org.ehrflow.sink.consume.ChunkSetDecoder;

/** Synthetic chunk sets (no real patient data) shaped like the chunker's output. */
public final class Fixtures {

    /** Two synthetic patients of the demo MRN system. */
    public static final String PATIENT_A = PatientKey.of("urn:oid:2.16.840.1.113883.3.1", "MRN-TEST-0001");
    public static final String PATIENT_B = PatientKey.of("urn:oid:2.16.840.1.113883.3.1", "MRN-TEST-0002");

    private Fixtures() {
    }

    /** An UPSERT set of {@code sourceId} ("Type/id") with one chunk per text; chunk ids "<sourceId>#<i>". */
    public static ChunkSet upsert(String patientKey, String sourceId, String... texts) {
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            chunks.add(new Chunk(sourceId + "#" + i, i, "Assessment", texts[i], 8 + texts[i].length() / 6,
                    ChunkSetDecoder.sha256(texts[i]), false, List.of()));
        }
        return new ChunkSet(patientKey, RecordOp.UPSERT, sourceId, sourceId.substring(0, sourceId.indexOf('/')),
                "1", "Encounter/e-1", "Progress note", chunks, provenance(sourceId));
    }

    /** A DELETE set retracting every row of {@code sourceId}. */
    public static ChunkSet delete(String patientKey, String sourceId) {
        return new ChunkSet(patientKey, RecordOp.DELETE, sourceId, sourceId.substring(0, sourceId.indexOf('/')),
                "2", null, null, List.of(), provenance(sourceId));
    }

    /** A MERGE set: every row of {@code retired} moves under {@code surviving}. */
    public static ChunkSet merge(String retired, String surviving) {
        return new ChunkSet(retired, RecordOp.MERGE, "Patient/p-merge", "Patient", null, null, null, List.of(),
                provenance("Patient/merge-" + retired), surviving);
    }

    /** A normalised UPSERT record of {@code type/id} with the given (synthetic) FHIR JSON. */
    public static FhirRecord resource(String patientKey, String type, String id, String json) {
        return new FhirRecord(patientKey, RecordOp.UPSERT, type, id, "1", null, json, provenance(type + "/" + id));
    }

    /** A normalised DELETE record of {@code type/id}. */
    public static FhirRecord resourceDelete(String patientKey, String type, String id) {
        return new FhirRecord(patientKey, RecordOp.DELETE, type, id, "2", null, null, provenance(type + "/" + id));
    }

    /** A normalised MERGE record: every source record of {@code retired} moves under {@code surviving}. */
    public static FhirRecord resourceMerge(String retired, String surviving) {
        return new FhirRecord(retired, RecordOp.MERGE, "Patient", "p-" + retired.substring(3), null, null, null,
                provenance("Patient/merge-" + retired), surviving);
    }

    public static byte[] bytes(FhirRecord r) {
        return Topics.FHIR_RESOURCES.valueSerde().serializer().serialize(Topics.FHIR_RESOURCES.name(), r);
    }

    /** HL7-like provenance: sending system, MSH-10 and the raw record's position. */
    public static Provenance provenance(String sourceId) {
        return new Provenance(SourceType.HL7V2, "LAB^HOSP", "MSG-" + Math.abs(sourceId.hashCode()),
                Topics.RAW_HL7V2.name(), 2, 41L, Instant.parse("2026-01-02T03:04:05Z"), Instant.now());
    }

    public static byte[] bytes(ChunkSet set) {
        return Topics.CHUNKS.valueSerde().serializer().serialize(Topics.CHUNKS.name(), set);
    }
}
