package org.ehrflow.api.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The tamper evidence: each record's hash is HMAC-SHA256 over the previous record's hash, its sequence number and
 * every field in a length-prefixed encoding (so no two records encode alike). Keyed, so someone who can write
 * the table but does not hold the key cannot re-forge the chain after an edit. Query text is hashed with the
 * same key under a different label, so equal questions correlate without being readable.
 */
public final class AuditChain {

    /** The hash before the first record. */
    public static final String GENESIS = "0".repeat(64);

    private final SecretKeySpec key;

    public AuditChain(byte[] key) {
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    }

    /** Hex HMAC of record {@code seq} chained to {@code prevHash}. */
    public String hash(long seq, String prevHash, AuditRecord r) {
        StringBuilder b = new StringBuilder(512);
        field(b, "v1");
        field(b, prevHash);
        field(b, Long.toString(seq));
        field(b, r.recordedAt().truncatedTo(ChronoUnit.MICROS).toString());
        field(b, r.requestId().toString());
        field(b, r.endpoint());
        field(b, r.clientId());
        field(b, r.userId());
        list(b, r.scopes());
        field(b, r.purposeOfUse());
        field(b, r.patientKey());
        field(b, r.textLevel());
        field(b, r.queryHash());
        field(b, r.queryText());
        field(b, r.k() == null ? null : r.k().toString());
        list(b, r.chunkIds());
        list(b, r.resourceRefs());
        field(b, Integer.toString(r.hitCount()));
        field(b, Integer.toString(r.status()));
        field(b, r.outcome());
        field(b, r.reason());
        field(b, Integer.toString(r.latencyMs()));
        if (r.requestCount() != 1) {
            // only then: a one-request record encodes as before the count existed (V21), so old chains verify
            field(b, "n" + r.requestCount());
        }
        return hmac("record", b.toString());
    }

    /** Keyed hash of a query text: stored instead of the text by default. */
    public String queryHash(String query) {
        return query == null ? null : hmac("query", query);
    }

    private String hmac(String label, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update((label + ":").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    // null and "" must differ: -1 marks null
    private static void field(StringBuilder b, String v) {
        if (v == null) {
            b.append("-1:");
        } else {
            b.append(v.length()).append(':').append(v);
        }
        b.append('|');
    }

    private static void list(StringBuilder b, List<String> values) {
        b.append('[').append(values.size()).append(']');
        values.forEach(v -> field(b, v));
    }
}
