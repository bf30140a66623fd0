package org.ehrflow.listener.hl7;

/**
 * Why the listener did not answer AA: the code in metrics, DLQ records and the ACK's ERR segment. {@code AR}
 * reasons are permanent (the same bytes will fail again; the message is dead-lettered), {@code AE} reasons are
 * transient (the sender should retry). Descriptions are fixed text: never payload content.
 */
public enum RejectReason {
    MSH_MISSING(AckCode.AR, "100", "Segment sequence error", 1, "Message does not start with an MSH segment"),
    MSH_UNPARSEABLE(AckCode.AR, "102", "Data type error", 2, "MSH field separator or encoding characters invalid"),
    MSH9_MISSING(AckCode.AR, "101", "Required field missing", 9, "MSH-9 message type missing"),
    MSH10_MISSING(AckCode.AR, "101", "Required field missing", 10, "MSH-10 message control id missing"),
    PROCESSING_ID_UNSUPPORTED(AckCode.AR, "202", "Unsupported processing id", 11, "MSH-11 processing id not accepted"),
    CHARSET_UNSUPPORTED(AckCode.AR, "103", "Table value not found", 18, "MSH-18 character set not supported"),
    CHARSET_DECODE_FAILED(AckCode.AR, "102", "Data type error", 18, "Bytes invalid in the message character set"),
    FACILITY_NOT_ALLOWED(AckCode.AR, "103", "Table value not found", 4, "Sending facility not allowed"),
    FRAME_TOO_LARGE(AckCode.AR, "207", "Application internal error", 0, "Message exceeds the maximum frame size"),
    BROKER_TIMEOUT(AckCode.AE, "207", "Application internal error", 0, "Message not stored in time, retry"),
    BROKER_ERROR(AckCode.AE, "207", "Application internal error", 0, "Message not stored, retry");

    private final AckCode ackCode;
    private final String hl7ErrorCode;
    private final String hl7ErrorText;
    private final int mshField;
    private final String description;

    RejectReason(AckCode ackCode, String hl7ErrorCode, String hl7ErrorText, int mshField, String description) {
        this.ackCode = ackCode;
        this.hl7ErrorCode = hl7ErrorCode;
        this.hl7ErrorText = hl7ErrorText;
        this.mshField = mshField;
        this.description = description;
    }

    /** AR (permanent) or AE (transient). */
    public AckCode ackCode() {
        return ackCode;
    }

    /** HL7 table 0357 message error condition code. */
    public String hl7ErrorCode() {
        return hl7ErrorCode;
    }

    /** HL7 table 0357 display text. */
    public String hl7ErrorText() {
        return hl7ErrorText;
    }

    /** The MSH field at fault, 0 when the fault is not in one field. */
    public int mshField() {
        return mshField;
    }

    /** Fixed, PHI-free explanation. */
    public String description() {
        return description;
    }
}
