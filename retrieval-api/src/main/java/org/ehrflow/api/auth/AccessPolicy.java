package org.ehrflow.api.auth;

import java.util.Optional;

/**
 * Decides whether a caller may read a patient, and at which text level: raw when a {@code .read} scope reaches
 * the patient, de-identified when only a {@code .deid} scope does, refused otherwise. The patient always comes
 * from the request and is checked against the token; the token alone never widens what a request can name.
 */
public final class AccessPolicy {

    private final UserRule userRule;

    public AccessPolicy(UserRule userRule) {
        this.userRule = userRule;
    }

    /** The text level {@code caller} may read {@code patientKey} at, or empty: refuse (403). */
    public Optional<TextLevel> decide(Caller caller, String patientKey) {
        if (reaches(caller, patientKey, Scopes.PATIENT_READ, Scopes.USER_READ)) {
            return Optional.of(TextLevel.RAW);
        }
        if (reaches(caller, patientKey, Scopes.PATIENT_DEID, Scopes.USER_DEID)) {
            return Optional.of(TextLevel.DEIDENTIFIED);
        }
        return Optional.empty();
    }

    /** Whether the token carries any scope this API serves (else 403 insufficient_scope, before any lookup). */
    public static boolean hasAnyScope(Caller caller) {
        return caller.scopes().contains(Scopes.PATIENT_READ) || caller.scopes().contains(Scopes.USER_READ)
                || caller.scopes().contains(Scopes.PATIENT_DEID) || caller.scopes().contains(Scopes.USER_DEID);
    }

    private boolean reaches(Caller caller, String patientKey, String patientScope, String userScope) {
        if (caller.scopes().contains(patientScope) && patientKey.equals(caller.patientClaim())) {
            return true;
        }
        if (!caller.scopes().contains(userScope)) {
            return false;
        }
        return switch (userRule) {
            case ALL -> true;
            case CLAIM -> caller.userPatients().contains(patientKey);
            case NONE -> false;
        };
    }
}
