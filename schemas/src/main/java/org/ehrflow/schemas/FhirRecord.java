package org.ehrflow.schemas;

import java.util.Objects;

/**
 * Value of the normalised topic: exactly one FHIR R4 resource (or its deletion), keyed by patient key.
 * The resource JSON is PHI: {@link #toString()} never prints it.
 *
 * @param patientKey   the patient key (also the record key)
 * @param op           UPSERT with a resource, or DELETE (resourceJson null)
 * @param resourceType FHIR resource type, e.g. "Observation"
 * @param resourceId   deterministic id: a function of the source identity, never random
 * @param versionId    source version where one exists (FHIR meta.versionId, CDC LSN, MSH-10), else null
 * @param encounterId  the FHIR id of the encounter this resource belongs to, if any
 * @param resourceJson the resource as FHIR JSON, null for DELETE
 * @param provenance   where it came from
 * @param targetPatientKey for MERGE only: the surviving patient's key (the record key is the retired one)
 */
public record FhirRecord(
        String patientKey,
        RecordOp op,
        String resourceType,
        String resourceId,
        String versionId,
        String encounterId,
        String resourceJson,
        Provenance provenance,
        String targetPatientKey) {

    /** A record that is not a merge. */
    public FhirRecord(String patientKey, RecordOp op, String resourceType, String resourceId, String versionId,
            String encounterId, String resourceJson, Provenance provenance) {
        this(patientKey, op, resourceType, resourceId, versionId, encounterId, resourceJson, provenance, null);
    }

    public FhirRecord {
        Objects.requireNonNull(patientKey, "patientKey");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(resourceId, "resourceId");
        Objects.requireNonNull(provenance, "provenance");
        if (op == RecordOp.UPSERT && resourceJson == null) {
            throw new IllegalArgumentException("UPSERT needs resourceJson");
        }
        if ((op == RecordOp.MERGE) != (targetPatientKey != null)) {
            throw new IllegalArgumentException("targetPatientKey is required for MERGE and only for MERGE");
        }
    }

    /** "Type/id", the FHIR reference form used for citations and store keys. */
    public String reference() {
        return resourceType + "/" + resourceId;
    }

    @Override
    public String toString() {
        return "FhirRecord[" + op + " " + reference() + " v" + versionId + ", " + provenance.sourceType() + " "
                + provenance.sourceMessageId() + "]";
    }
}
