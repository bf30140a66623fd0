package org.ehrflow.api.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The token signing keys from a JWKS document (RFC 7517): RSA keys for RS256, P-256 EC keys for ES256, by
 * {@code kid}. Keys of other types or curves are skipped; a file with no usable key is a start-up error.
 */
public final class JwksKeys implements KeySource {

    /** A usable key and the one algorithm it verifies. */
    public record Key(String kid, String alg, PublicKey publicKey) {
    }

    private final Map<String, Key> byKid;

    private JwksKeys(Map<String, Key> byKid) {
        this.byKid = Map.copyOf(byKid);
    }

    public static JwksKeys load(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the JWKS file " + file, e);
        }
    }

    public static JwksKeys parse(String json) {
        Map<String, Key> keys = new HashMap<>();
        try {
            JsonNode root = new ObjectMapper().readTree(json);
            for (JsonNode k : root.path("keys")) {
                String kid = k.path("kid").asText("");
                String use = k.path("use").asText("sig");
                if (!"sig".equals(use)) {
                    continue;
                }
                Key key = switch (k.path("kty").asText()) {
                    case "RSA" -> new Key(kid, "RS256", rsa(k));
                    case "EC" -> "P-256".equals(k.path("crv").asText()) ? new Key(kid, "ES256", ec(k)) : null;
                    default -> null;
                };
                if (key != null) {
                    keys.put(kid, key);
                }
            }
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the JWKS document is not valid (" + e.getClass().getSimpleName() + ")",
                    e);
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("the JWKS document has no RSA or P-256 signing key");
        }
        return new JwksKeys(keys);
    }

    /** The key named {@code kid}; a token without a kid may use the only key of a one-key set. */
    @Override
    public Key find(String kid) {
        if (kid == null || kid.isEmpty()) {
            return byKid.size() == 1 ? byKid.values().iterator().next() : null;
        }
        return byKid.get(kid);
    }

    private static PublicKey rsa(JsonNode k) throws GeneralSecurityException {
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(unsigned(k, "n"), unsigned(k, "e")));
    }

    private static PublicKey ec(JsonNode k) throws GeneralSecurityException {
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
        ECPoint point = new ECPoint(unsigned(k, "x"), unsigned(k, "y"));
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, spec));
    }

    private static BigInteger unsigned(JsonNode k, String field) {
        String v = k.path(field).asText("");
        if (v.isEmpty()) {
            throw new IllegalArgumentException("JWK member " + field + " is missing");
        }
        return new BigInteger(1, Base64.getUrlDecoder().decode(v));
    }
}
