package org.ehrflow.api.auth;

/** Which text a caller may receive for a patient. */
public enum TextLevel {
    RAW,
    DEIDENTIFIED
}
