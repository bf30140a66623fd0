package org.ehrflow.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ehrflow.runtime.Secret;

/**
 * Bearer tokens: static ones (each configured client has one token, read from a secret file, and a list of resource
 * types; compared as SHA-256 digests in constant time, so neither a timing difference nor a heap dump of the
 * comparison reveals a prefix) and, when configured, SMART Backend Services access tokens ({@link JwtAccessTokens}).
 */
public final class ClientRegistry {

    /** One configured client with its token. */
    public record Entry(Client client, Secret token) {
        public Entry {
            if (token.value().length() < 16) {
                throw new IllegalArgumentException("client " + client.id() + ": token shorter than 16 characters");
            }
        }
    }

    private record Known(Client client, byte[] digest) {
    }

    private final List<Known> known = new ArrayList<>();
    private final JwtAccessTokens jwt;

    public ClientRegistry(List<Entry> entries) {
        this(entries, null);
    }

    /** @param jwt SMART access-token validation, or null for static tokens only */
    public ClientRegistry(List<Entry> entries, JwtAccessTokens jwt) {
        for (Entry e : entries) {
            known.add(new Known(e.client(), sha256(e.token().value())));
        }
        this.jwt = jwt;
    }

    public int size() {
        return known.size();
    }

    /** The client whose token an {@code Authorization: Bearer <token>} header carries. */
    public Optional<Client> authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = authorization.substring(7).strip();
        byte[] presented = sha256(token);
        Client found = null;
        for (Known k : known) {
            // No early exit: every comparison costs the same.
            if (MessageDigest.isEqual(k.digest(), presented) && found == null) {
                found = k.client();
            }
        }
        if (found == null && jwt != null && JwtAccessTokens.looksLikeJwt(token)) {
            return jwt.authenticate(token);
        }
        return Optional.ofNullable(found);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JRE", e);
        }
    }
}
