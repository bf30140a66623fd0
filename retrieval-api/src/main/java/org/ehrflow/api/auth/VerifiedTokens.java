package org.ehrflow.api.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens that passed {@link JwtVerifier} recently, by the SHA-256 of the token (the token itself is not kept, so
 * the cache holds nothing a caller could replay from a heap dump). A client sends the same bearer token with every
 * request until it expires; re-checking its signature, decoding and parsing it each time cost more CPU than the
 * rest of the request's HTTP handling. An entry only short-cuts what cannot change for the same token: its
 * signature by the same key instance (a key rotated out or refreshed is a miss), its claims; the time checks
 * ({@code exp}, {@code nbf}) run again on every use. Bounded: when full it starts over.
 */
final class VerifiedTokens {

    /** A verified token: its caller, the key that signed it and its validity window. */
    record Entry(Caller caller, String kid, JwksKeys.Key key, long exp, Long nbf) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final int maxEntries;

    VerifiedTokens(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    Entry get(String digest) {
        return entries.get(digest);
    }

    void put(String digest, Entry e) {
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
        entries.put(digest, e);
    }

    void remove(String digest) {
        entries.remove(digest);
    }

    static String digest(String token) {
        try {
            return Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
