package org.ehrflow.cdc.error;

/** Reason codes of cdc-capture's dead letters; the table with their meaning is in cdc-capture/README.md. */
public final class ReasonCodes {

    /** The change event value is not a JSON object. */
    public static final String CDC_NOT_JSON = "CDC_NOT_JSON";
    /** The event has no source.schema / source.table. */
    public static final String CDC_NO_SOURCE = "CDC_NO_SOURCE";
    /** The event is for a table this pipeline does not know how to key. */
    public static final String CDC_UNKNOWN_TABLE = "CDC_UNKNOWN_TABLE";
    /** The event's op is not one of c, u, d, r. */
    public static final String CDC_UNKNOWN_OP = "CDC_UNKNOWN_OP";
    /** Neither after nor before carries an integral row id. */
    public static final String CDC_NO_ROW_ID = "CDC_NO_ROW_ID";
    /** Neither after nor before carries an integral patient id (patients.id or patient_id). */
    public static final String CDC_NO_PATIENT_ID = "CDC_NO_PATIENT_ID";

    private ReasonCodes() {
    }
}
