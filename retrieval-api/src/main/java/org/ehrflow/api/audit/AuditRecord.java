package org.ehrflow.api.audit;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One request as the audit trail keeps it, before it is numbered and chained. Holds patient keys and possibly a
 * query hash: {@link #toString()} leaves them out.
 *
 * @param recordedAt    when the request was answered (microseconds, as PostgreSQL stores it)
 * @param requestId     the request's id (= retrieval_id of a retrieval)
 * @param endpoint      method and route template, e.g. {@code POST /v1/retrieve}
 * @param queryHash     keyed hash of the query text, or null
 * @param queryText     the query text itself, only when configured; else null
 * @param outcome       ALLOWED, REFUSED or FAILED
 * @param reason        reason code of a refusal or failure, or null
 * @param requestCount  requests the record stands for: 1, or the unauthenticated refusals of one address that one
 *                      window counted together
 */
public record AuditRecord(Instant recordedAt, UUID requestId, String endpoint, String clientId, String userId,
        List<String> scopes, String purposeOfUse, String patientKey, String textLevel, String queryHash,
        String queryText, Integer k, List<String> chunkIds, List<String> resourceRefs, int hitCount, int status,
        String outcome, String reason, int latencyMs, int requestCount) {

    /** A record of one request. */
    public AuditRecord(Instant recordedAt, UUID requestId, String endpoint, String clientId, String userId,
            List<String> scopes, String purposeOfUse, String patientKey, String textLevel, String queryHash,
            String queryText, Integer k, List<String> chunkIds, List<String> resourceRefs, int hitCount, int status,
            String outcome, String reason, int latencyMs) {
        this(recordedAt, requestId, endpoint, clientId, userId, scopes, purposeOfUse, patientKey, textLevel,
                queryHash, queryText, k, chunkIds, resourceRefs, hitCount, status, outcome, reason, latencyMs, 1);
    }

    public AuditRecord {
        if (requestCount < 1) {
            throw new IllegalArgumentException("requestCount must be at least 1");
        }
        scopes = List.copyOf(scopes);
        chunkIds = List.copyOf(chunkIds);
        resourceRefs = List.copyOf(resourceRefs);
    }

    @Override
    public String toString() {
        return "AuditRecord[" + requestId + " " + endpoint + " client=" + clientId + " status=" + status + " "
                + outcome + (reason == null ? "" : " " + reason) + (requestCount == 1 ? "" : " x" + requestCount) + "]";
    }
}
