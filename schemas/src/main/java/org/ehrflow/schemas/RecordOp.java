package org.ehrflow.schemas;

/**
 * What a downstream stage must do with a record's subject.
 * UPSERT: create or replace. DELETE: remove it and everything derived from it (FHIR DELETE, entered-in-error,
 * CDC delete, HL7 cancel/delete).
 */
public enum RecordOp {
    UPSERT,
    DELETE
}
