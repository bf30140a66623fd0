package org.ehrflow.listener.hl7;

/** MSA-1 acknowledgment codes of original-mode acknowledgment (HL7 table 0008). */
public enum AckCode {
    /** Accepted: the message is durable in the raw topic. */
    AA,
    /** Error: not stored this time; the sender should resend. */
    AE,
    /** Rejected: will never be accepted as sent; dead-lettered. */
    AR
}
