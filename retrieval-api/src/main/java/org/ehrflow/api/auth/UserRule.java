package org.ehrflow.api.auth;

/** Which patients a token with {@code user/*.read} (or its de-identified twin) may read. */
public enum UserRule {
    /** Only the patient keys listed in the token's patients claim (the identity provider decides care teams). */
    CLAIM,
    /** Any patient (a service that does its own care-team checks); every read is still audited. */
    ALL,
    /** None: user-level tokens are refused. */
    NONE
}
