package org.ehrflow.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.ehrflow.schemas.Json;

/**
 * SMART Backend Services access tokens as the gateway (the resource server) checks them: a JWS signed by the
 * authorization server (RS256/RS384/ES256/ES384 with a key of the configured JWKS), from the configured issuer,
 * for this gateway's audience, not expired (a minute of clock skew). The client is {@code client_id} (else
 * {@code sub}); the resource types it may write come from its SMART scopes: {@code system/<Type>.write},
 * {@code .*}, or v2 {@code .c}/{@code .u}/{@code .cud}/{@code .cruds}, with {@code *} for every type.
 * A token that fails any check is simply not authenticated (401): the reason is never told to the caller.
 */
public final class JwtAccessTokens {

    private static final Duration SKEW = Duration.ofMinutes(1);

    private final Jwks keys;
    private final String issuer;
    private final String audience;
    private final Clock clock;

    public JwtAccessTokens(Jwks keys, String issuer, String audience, Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.audience = audience;
        this.clock = clock;
    }

    /** Whether {@code token} has the shape of a JWS (three base64url parts). */
    public static boolean looksLikeJwt(String token) {
        return token.chars().filter(c -> c == '.').count() == 2;
    }

    public Optional<Client> authenticate(String token) {
        try {
            String[] parts = token.split("\\.", -1);
            if (parts.length != 3) {
                return Optional.empty();
            }
            JsonNode header = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[0]));
            JsonNode claims = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1]));
            String alg = header.path("alg").asText();
            String kid = header.hasNonNull("kid") ? header.get("kid").asText() : null;
            Optional<PublicKey> key = keys.key(kid);
            if (key.isEmpty() || !verify(alg, key.get(), parts[0] + "." + parts[1],
                    Base64.getUrlDecoder().decode(parts[2]))) {
                return Optional.empty();
            }
            long now = clock.instant().getEpochSecond();
            if (!claims.path("exp").canConvertToLong() || claims.path("exp").asLong() + SKEW.toSeconds() < now
                    || (claims.has("nbf") && claims.path("nbf").asLong() - SKEW.toSeconds() > now)
                    || !issuer.equals(claims.path("iss").asText())
                    || !audienceMatches(claims.path("aud"))) {
                return Optional.empty();
            }
            String clientId = claims.path("client_id").asText(claims.path("sub").asText(""));
            if (clientId.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Client(clientId, writableTypes(claims.path("scope").asText(""))));
        } catch (IOException | IllegalArgumentException | GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    private boolean audienceMatches(JsonNode aud) {
        if (aud.isArray()) {
            for (JsonNode a : aud) {
                if (audience.equals(a.asText())) {
                    return true;
                }
            }
            return false;
        }
        return audience.equals(aud.asText());
    }

    private static boolean verify(String alg, PublicKey key, String signed,
            byte[] sig) throws GeneralSecurityException {
        String jca = switch (alg) {
            case "RS256" -> "SHA256withRSA";
            case "RS384" -> "SHA384withRSA";
            // JWS carries ECDSA signatures as R||S (P1363), not DER.
            case "ES256" -> "SHA256withECDSAinP1363Format";
            case "ES384" -> "SHA384withECDSAinP1363Format";
            default -> null; // "none", HMAC and anything else: never
        };
        if (jca == null || (alg.startsWith("RS") != key.getAlgorithm().equals("RSA"))) {
            return false;
        }
        Signature s = Signature.getInstance(jca);
        s.initVerify(key);
        s.update(signed.getBytes(StandardCharsets.US_ASCII));
        return s.verify(sig);
    }

    /** Resource types a scope string lets the client write. */
    static Set<String> writableTypes(String scope) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : scope.split(" ")) {
            if (!s.startsWith("system/")) {
                continue;
            }
            int dot = s.indexOf('.');
            if (dot < 0) {
                continue;
            }
            String type = s.substring("system/".length(), dot);
            String access = s.substring(dot + 1);
            boolean writes = access.equals("write") || access.equals("*")
                    || (access.matches("c?r?u?d?s?") && (access.contains("c") || access.contains("u")));
            if (writes && !type.isEmpty()) {
                out.add(type.equals("*") ? Client.ANY_TYPE : type);
            }
        }
        return out;
    }
}
