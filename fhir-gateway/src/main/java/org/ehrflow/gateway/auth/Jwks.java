package org.ehrflow.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Public keys from a JSON Web Key Set (RFC 7517): RSA ({@code n}, {@code e}) and EC P-256/P-384 ({@code x},
 * {@code y}), by {@code kid}. The keys the SMART authorization server signs access tokens with.
 */
public final class Jwks {

    private final Map<String, PublicKey> byKid;

    private Jwks(Map<String, PublicKey> byKid) {
        this.byKid = Map.copyOf(byKid);
    }

    /** Parses a JWKS document; keys of other types are skipped, malformed ones throw (naming the kid only). */
    public static Jwks parse(JsonNode jwks) {
        Map<String, PublicKey> out = new LinkedHashMap<>();
        for (JsonNode k : jwks.path("keys")) {
            String kid = k.path("kid").asText("");
            try {
                switch (k.path("kty").asText()) {
                    case "RSA" -> out.put(kid, KeyFactory.getInstance("RSA").generatePublic(
                            new RSAPublicKeySpec(uint(k, "n"), uint(k, "e"))));
                    case "EC" -> out.put(kid, ec(k));
                    default -> {
                        // symmetric or unknown key types are never trusted here
                    }
                }
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IllegalArgumentException("JWKS key " + kid + " is not a valid public key", e);
            }
        }
        return new Jwks(out);
    }

    public Optional<PublicKey> key(String kid) {
        if (kid == null && byKid.size() == 1) {
            return Optional.of(byKid.values().iterator().next());
        }
        return Optional.ofNullable(byKid.get(kid == null ? "" : kid));
    }

    public int size() {
        return byKid.size();
    }

    private static PublicKey ec(JsonNode k) throws GeneralSecurityException {
        String curve = switch (k.path("crv").asText()) {
            case "P-256" -> "secp256r1";
            case "P-384" -> "secp384r1";
            default -> throw new IllegalArgumentException("unsupported curve");
        };
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec(curve));
        ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
        return KeyFactory.getInstance("EC").generatePublic(
                new ECPublicKeySpec(new ECPoint(uint(k, "x"), uint(k, "y")), spec));
    }

    private static BigInteger uint(JsonNode k, String field) {
        return new BigInteger(1, Base64.getUrlDecoder().decode(k.path(field).asText()));
    }
}
