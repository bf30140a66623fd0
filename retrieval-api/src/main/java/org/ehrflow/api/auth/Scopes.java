package org.ehrflow.api.auth;

/**
 * The SMART-style scopes the API understands. {@code .read} grants raw text; the {@code .deid} twins grant only
 * the chunker's de-identified text, and such a request runs on the de-identified database login, which has no
 * grant on raw text at all.
 */
public final class Scopes {

    /** That patient only: the token's {@code patient} claim. */
    public static final String PATIENT_READ = "patient/*.read";
    /** Patients allowed by the configured {@link UserRule}. */
    public static final String USER_READ = "user/*.read";
    public static final String PATIENT_DEID = "patient/*.deid";
    public static final String USER_DEID = "user/*.deid";

    private Scopes() {
    }
}
