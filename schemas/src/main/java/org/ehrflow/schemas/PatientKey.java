package org.ehrflow.schemas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The record key of every topic after ingress: a stable, opaque id derived from the patient's identifier
 * (identifier system + value), identical whether the fact came from HL7 PID-3, a FHIR Patient.identifier or a
 * CDC row. Opaque so that MRNs never appear in keys, partition logs or metrics. The SQL twin
 * {@code ehrflow.patient_key(system, value)} in the sink's migrations computes the same string.
 */
public final class PatientKey {

    /** Prefix of keys derived from a patient identifier. */
    public static final String PATIENT_PREFIX = "pk_";
    /** Prefix of the documented fallback key for messages that name no patient (master files, ...). */
    public static final String UNSCOPED_PREFIX = "sys_";

    private PatientKey() {
    }

    /** Key for the patient identified by {@code value} in identifier system {@code system}. */
    public static String of(String system, String value) {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(value, "value");
        if (system.isBlank() || value.isBlank()) {
            throw new IllegalArgumentException("identifier system and value must be non-blank");
        }
        return PATIENT_PREFIX + hash(system.strip() + "|" + value.strip());
    }

    /**
     * Fallback key for a message that names no patient: one key per sending system, so that system's
     * patient-less messages stay in order on one partition.
     */
    public static String unscoped(String sourceSystem) {
        return UNSCOPED_PREFIX + hash(Objects.requireNonNull(sourceSystem, "sourceSystem").strip());
    }

    /** Whether the key names a patient (as opposed to the fallback). */
    public static boolean isPatient(String key) {
        return key != null && key.startsWith(PATIENT_PREFIX);
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JRE", e);
        }
    }
}
