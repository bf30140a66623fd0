package org.ehrflow.api.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a compact JWS bearer token (RS256 or ES256 only: {@code none} and HMAC are refused, so a public key can
 * never be used as a shared secret) and reads the caller from it: signature by a configured key, {@code exp}
 * required, {@code nbf}, {@code iss} and {@code aud} checked with the configured skew.
 */
public final class JwtVerifier {

    /** Why a token was refused: a reason code for the audit and the 401 body, never the token itself. */
    public static final class InvalidToken extends Exception {
        private final String reason;

        public InvalidToken(String reason) {
            super(reason, null, false, false);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_TOKEN_CHARS = 16 * 1024;
    private static final int MAX_CACHED_TOKENS = 10_000;

    private final KeySource keys;
    private final String issuer;
    private final String audience;
    private final Duration skew;
    private final String patientsClaim;
    private final Clock clock;
    private final VerifiedTokens verified = new VerifiedTokens(MAX_CACHED_TOKENS);

    public JwtVerifier(KeySource keys, String issuer, String audience, Duration skew, String patientsClaim,
            Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.audience = audience;
        this.skew = skew;
        this.patientsClaim = patientsClaim;
        this.clock = clock;
    }

    public Caller verify(String token) throws InvalidToken {
        if (token == null || token.length() > MAX_TOKEN_CHARS) {
            throw new InvalidToken("token_malformed");
        }
        String digest = VerifiedTokens.digest(token);
        VerifiedTokens.Entry seen = verified.get(digest);
        // the same token signed by the same key as when it was verified: only its time window can have changed
        if (seen != null && keys.find(seen.kid()) == seen.key()) {
            try {
                checkTimes(seen.exp(), seen.nbf());
            } catch (InvalidToken e) {
                verified.remove(digest);
                throw e;
            }
            return seen.caller();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new InvalidToken("token_malformed");
        }
        JsonNode header = decode(parts[0]);
        String alg = header.path("alg").asText("");
        JwksKeys.Key key = keys.find(header.path("kid").asText(null));
        if (key == null) {
            throw new InvalidToken("token_unknown_key");
        }
        if (!key.alg().equals(alg)) {
            throw new InvalidToken("token_algorithm_refused");
        }
        if (!signatureValid(key, parts)) {
            throw new InvalidToken("token_signature_invalid");
        }
        JsonNode claims = decode(parts[1]);
        if (!claims.path("exp").canConvertToLong()) {
            throw new InvalidToken("token_without_expiry");
        }
        long exp = claims.path("exp").asLong();
        Long nbf = claims.has("nbf") ? claims.path("nbf").asLong() : null;
        checkTimes(exp, nbf);
        if (!issuer.equals(claims.path("iss").asText(null))) {
            throw new InvalidToken("token_issuer_refused");
        }
        if (!audiences(claims).contains(audience)) {
            throw new InvalidToken("token_audience_refused");
        }
        String sub = claims.path("sub").asText(null);
        String client = firstText(claims, "azp", "client_id");
        Set<String> scopes = new LinkedHashSet<>(List.of(claims.path("scope").asText("").trim().split("\\s+")));
        scopes.remove("");
        String patient = claims.path("patient").isTextual() ? claims.path("patient").asText() : null;
        List<String> patients = new ArrayList<>();
        claims.path(patientsClaim).forEach(n -> {
            if (n.isTextual()) {
                patients.add(n.asText());
            }
        });
        Caller caller = new Caller(client != null ? client : sub, sub, scopes, patient, patients);
        verified.put(digest, new VerifiedTokens.Entry(caller, header.path("kid").asText(null), key, exp, nbf));
        return caller;
    }

    private void checkTimes(long exp, Long nbf) throws InvalidToken {
        long now = clock.instant().getEpochSecond();
        if (now - skew.toSeconds() >= exp) {
            throw new InvalidToken("token_expired");
        }
        if (nbf != null && now + skew.toSeconds() < nbf) {
            throw new InvalidToken("token_not_yet_valid");
        }
    }

    private static boolean signatureValid(JwksKeys.Key key, String[] parts) throws InvalidToken {
        try {
            // JWS ES256 signatures are r||s (IEEE P1363), not DER: the JDK verifies that form under this name.
            Signature s = Signature.getInstance("RS256".equals(key.alg()) ? "SHA256withRSA"
                    : "SHA256withECDSAinP1363Format");
            s.initVerify(key.publicKey());
            s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            return s.verify(Base64.getUrlDecoder().decode(parts[2]));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidToken("token_signature_invalid");
        }
    }

    private static JsonNode decode(String part) throws InvalidToken {
        try {
            JsonNode n = JSON.readTree(Base64.getUrlDecoder().decode(part));
            if (n == null || !n.isObject()) {
                throw new InvalidToken("token_malformed");
            }
            return n;
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidToken("token_malformed");
        }
    }

    private static Set<String> audiences(JsonNode claims) {
        JsonNode aud = claims.path("aud");
        Set<String> out = new LinkedHashSet<>();
        if (aud.isTextual()) {
            out.add(aud.asText());
        } else {
            aud.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    private static String firstText(JsonNode claims, String... names) {
        for (String n : names) {
            if (claims.path(n).isTextual()) {
                return claims.path(n).asText();
            }
        }
        return null;
    }
}
