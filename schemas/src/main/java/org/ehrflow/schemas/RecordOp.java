package org.ehrflow.schemas;

/**
 * What a downstream stage must do with a record's subject.
 * UPSERT: create or replace. DELETE: remove it and everything derived from it (FHIR DELETE, entered-in-error,
 * CDC delete, HL7 cancel/delete). MERGE: the patient of the record key (the retired patient, e.g. HL7 A34/A40
 * MRG-1) is merged into {@code targetPatientKey} (the surviving patient): every fact filed under the retired key
 * moves under the surviving key. A MERGE is keyed by the retired key, so it is ordered after every earlier fact
 * of the retired patient.
 */
public enum RecordOp {
    UPSERT,
    DELETE,
    MERGE
}
