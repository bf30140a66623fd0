package org.ehrflow.api.demo;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/**
 * The demo's stand-in for an identity provider: a fresh RSA key per run, its JWKS, and short-lived RS256 tokens.
 * Demo only: a deployment trusts its real provider's JWKS and never mints tokens itself.
 */
public final class DemoIdentityProvider {

    public static final String ISSUER = "urn:ehrflow:demo-idp";
    public static final String AUDIENCE = "ehrflow-retrieval";

    private final KeyPair key;

    public DemoIdentityProvider() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            key = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA unavailable", e);
        }
    }

    public String jwks() {
        RSAPublicKey p = (RSAPublicKey) key.getPublic();
        return "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"demo\",\"use\":\"sig\",\"alg\":\"RS256\",\"n\":\""
                + unsigned(p.getModulus().toByteArray()) + "\",\"e\":\"" + unsigned(p.getPublicExponent().toByteArray())
                + "\"}]}";
    }

    /** A token for a patient-level launch ({@code patient/*.read}) valid for ten minutes. */
    public String patientToken(String clientId, String patientKey) {
        String claims = "{\"iss\":\"" + ISSUER + "\",\"aud\":\"" + AUDIENCE + "\",\"sub\":\"demo-user\",\"azp\":\""
                + clientId + "\",\"scope\":\"patient/*.read\",\"patient\":\"" + patientKey + "\",\"exp\":"
                + Instant.now().plusSeconds(600).getEpochSecond() + "}";
        String input = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"demo\"}".getBytes(StandardCharsets.UTF_8))
                + "." + b64(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key.getPrivate());
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RS256 signing failed", e);
        }
    }

    private static String unsigned(byte[] twosComplement) {
        // BigInteger adds a leading zero byte to positive numbers with the top bit set; JWK wants the bare value
        byte[] b = twosComplement.length > 1 && twosComplement[0] == 0
                ? Arrays.copyOfRange(twosComplement, 1, twosComplement.length) : twosComplement;
        return b64(b);
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
