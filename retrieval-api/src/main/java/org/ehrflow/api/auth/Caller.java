package org.ehrflow.api.auth;

import java.util.List;
import java.util.Set;

/**
 * A verified bearer token, reduced to what authorization and the audit need.
 *
 * @param clientId       {@code azp} or {@code client_id} (falls back to {@code sub}): the rate-limit and audit key
 * @param userId         {@code sub}
 * @param scopes         the token's scopes
 * @param patientClaim   {@code patient} claim (a patient key), or null
 * @param userPatients   patient keys listed in the configured user claim
 */
public record Caller(String clientId, String userId, Set<String> scopes, String patientClaim,
        List<String> userPatients) {

    public Caller {
        scopes = Set.copyOf(scopes);
        userPatients = List.copyOf(userPatients);
    }

    @Override
    public String toString() {
        // the patient claims are identifiers of patients: never in logs
        return "Caller[client=" + clientId + ", scopes=" + scopes + "]";
    }
}
