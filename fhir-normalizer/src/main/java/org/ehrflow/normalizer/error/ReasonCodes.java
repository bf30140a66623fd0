package org.ehrflow.normalizer.error;

/**
 * The normaliser's DLQ reason codes (UPPER_SNAKE); each is documented in the module README's reason-code table.
 */
public final class ReasonCodes {

    /** The raw record's bytes are not a {@code RawMessage} (not JSON, or missing required fields). */
    public static final String RAW_DESERIALIZATION_ERROR = "RAW_DESERIALIZATION_ERROR";
    /** The RawMessage's content type does not belong on the topic it was read from. */
    public static final String UNEXPECTED_CONTENT_TYPE = "UNEXPECTED_CONTENT_TYPE";
    /** A mapper threw: the input is valid enough to parse but breaks an assumption of the mapping. */
    public static final String MAPPING_ERROR = "MAPPING_ERROR";

    public static final String HL7_PARSE_ERROR = "HL7_PARSE_ERROR";
    public static final String HL7_UNSUPPORTED_TYPE = "HL7_UNSUPPORTED_TYPE";
    /**
     * Issue 17: a well-formed message of a type that carries nothing a clinician searches for (billing, ACKs,
     * master files, queries, equipment): dead-lettered by design, so the DLQ shows it was read and set aside.
     */
    public static final String HL7_NOT_CLINICAL = "HL7_NOT_CLINICAL";
    public static final String HL7_NO_PATIENT_ID = "HL7_NO_PATIENT_ID";

    public static final String FHIR_PARSE_ERROR = "FHIR_PARSE_ERROR";
    public static final String FHIR_NO_PATIENT_ID = "FHIR_NO_PATIENT_ID";
    public static final String FHIR_NO_PATIENT_REFERENCE = "FHIR_NO_PATIENT_REFERENCE";
    public static final String FHIR_INVALID_ENTRY = "FHIR_INVALID_ENTRY";
    /** An NDJSON line that is not a FHIR R4 resource (not JSON, no or unknown resourceType). */
    public static final String FHIR_INVALID_RESOURCE = "FHIR_INVALID_RESOURCE";

    public static final String CDC_PARSE_ERROR = "CDC_PARSE_ERROR";
    public static final String CDC_INVALID_ENVELOPE = "CDC_INVALID_ENVELOPE";
    public static final String CDC_UNSUPPORTED_TABLE = "CDC_UNSUPPORTED_TABLE";
    public static final String CDC_UNSUPPORTED_OP = "CDC_UNSUPPORTED_OP";
    public static final String CDC_NO_PATIENT_ID = "CDC_NO_PATIENT_ID";
    /** The row lacks a column its table's mapping reads: the source schema changed while running. */
    public static final String CDC_SCHEMA_DRIFT = "CDC_SCHEMA_DRIFT";

    private ReasonCodes() {
    }
}
