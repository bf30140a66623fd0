package org.ehrflow.chunker.error;

/** The chunker's dead-letter reason codes; the README documents each. */
public final class ReasonCodes {

    /** The value bytes are not a FhirRecord (not JSON, wrong shape, missing required fields). */
    public static final String VALUE_NOT_DESERIALIZABLE = "VALUE_NOT_DESERIALIZABLE";
    /** The record has no value (a tombstone): the topic carries deletions as op DELETE, never as null. */
    public static final String VALUE_MISSING = "VALUE_MISSING";
    /** The patient key does not have the contract's form ({@code pk_}/{@code sys_} + 32 hex). */
    public static final String INVALID_PATIENT_KEY = "INVALID_PATIENT_KEY";
    /** "Type/id" does not have FHIR's id form, so it cannot be a chunk set's source id. */
    public static final String INVALID_SOURCE_ID = "INVALID_SOURCE_ID";
    /** resourceJson is not a parseable FHIR R4 resource. */
    public static final String RESOURCE_PARSE_ERROR = "RESOURCE_PARSE_ERROR";
    /** The parsed resource's type differs from the record's resourceType. */
    public static final String RESOURCE_TYPE_MISMATCH = "RESOURCE_TYPE_MISMATCH";
    /** A text attachment's bytes are not valid in its declared charset. */
    public static final String ATTACHMENT_DECODE_ERROR = "ATTACHMENT_DECODE_ERROR";
    /** Chunking failed unexpectedly on this record (a defect; the exception class name is kept). */
    public static final String CHUNKING_ERROR = "CHUNKING_ERROR";
    /** A merge's state transfer on the internal topic could not be applied (a defect; class name kept). */
    public static final String MERGE_TRANSFER_ERROR = "MERGE_TRANSFER_ERROR";

    private ReasonCodes() {
    }
}
