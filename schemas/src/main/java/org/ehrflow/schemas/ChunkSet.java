package org.ehrflow.schemas;

import java.util.List;
import java.util.Objects;

/**
 * Value of the chunk topic: the complete set of chunks one source produces now. The sink makes the stored rows
 * of {@code sourceId} equal to this set in one transaction: rows not re-emitted are deleted, so an update
 * replaces and a DELETE (empty set) retracts. A MERGE moves all rows of the record key's patient under
 * {@code targetPatientKey}. A "source" is a resource ("DocumentReference/123") or an
 * aggregate the chunker maintains ("Encounter/456" for an encounter's structured facts).
 *
 * @param patientKey      the patient key (also the record key)
 * @param op              UPSERT (replace the source's rows with {@code chunks}) or DELETE (remove them all)
 * @param sourceId        "Type/id" of the source the chunks belong to
 * @param resourceType    FHIR type of the source
 * @param resourceVersion version of the source, if known
 * @param encounterId     encounter id: a set never mixes two encounters
 * @param noteType        note/document type (LOINC display or HL7 document type), or the rendering kind
 * @param chunks          the chunks, empty for DELETE
 * @param provenance      provenance of the fact that caused this set
 * @param targetPatientKey for MERGE only: every row of the record key's patient moves under this key (chunks empty)
 */
public record ChunkSet(
        String patientKey,
        RecordOp op,
        String sourceId,
        String resourceType,
        String resourceVersion,
        String encounterId,
        String noteType,
        List<Chunk> chunks,
        Provenance provenance,
        String targetPatientKey) {

    /** A set that is not a merge. */
    public ChunkSet(String patientKey, RecordOp op, String sourceId, String resourceType, String resourceVersion,
            String encounterId, String noteType, List<Chunk> chunks, Provenance provenance) {
        this(patientKey, op, sourceId, resourceType, resourceVersion, encounterId, noteType, chunks, provenance, null);
    }

    public ChunkSet {
        Objects.requireNonNull(patientKey, "patientKey");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(sourceId, "sourceId");
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(provenance, "provenance");
        chunks = chunks == null ? List.of() : List.copyOf(chunks);
        if (op != RecordOp.UPSERT && !chunks.isEmpty()) {
            throw new IllegalArgumentException(op + " carries no chunks");
        }
        if ((op == RecordOp.MERGE) != (targetPatientKey != null)) {
            throw new IllegalArgumentException("targetPatientKey is required for MERGE and only for MERGE");
        }
    }

    @Override
    public String toString() {
        return "ChunkSet[" + op + " " + sourceId + ", " + chunks.size() + " chunks]";
    }
}
