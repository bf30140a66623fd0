package org.ehrflow.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** A test identity provider: an RSA and a P-256 key, their JWKS, and signed tokens. */
public final class TestTokens {

    public static final String ISSUER = "https://idp.test";
    public static final String AUDIENCE = "ehrflow-retrieval";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeyPair rsa;
    private final KeyPair ec;

    public TestTokens() {
        try {
            KeyPairGenerator r = KeyPairGenerator.getInstance("RSA");
            r.initialize(2048);
            rsa = r.generateKeyPair();
            KeyPairGenerator e = KeyPairGenerator.getInstance("EC");
            e.initialize(new ECGenParameterSpec("secp256r1"));
            ec = e.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String jwks() {
        RSAPublicKey rp = (RSAPublicKey) rsa.getPublic();
        ECPublicKey ep = (ECPublicKey) ec.getPublic();
        return "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"rsa-1\",\"use\":\"sig\",\"alg\":\"RS256\",\"n\":\""
                + b64(rp.getModulus())
                + "\",\"e\":\"" + b64(rp.getPublicExponent())
                        + "\"},{\"kty\":\"EC\",\"kid\":\"ec-1\",\"crv\":\"P-256\","
                + "\"x\":\"" + b64(fixed(ep.getW().getAffineX())) + "\",\"y\":\"" + b64(fixed(ep.getW().getAffineY()))
                + "\"}]}";
    }

    /** A token for a SMART patient-level launch: {@code patient/*.read} and the patient claim. */
    public String patient(String clientId, String patientKey) {
        return sign("RS256", claims(clientId, "patient/*.read", Map.of("patient", patientKey)));
    }

    public String user(String clientId, String scope, List<String> patients) {
        return sign("ES256", claims(clientId, scope, Map.of("patients", patients)));
    }

    public ObjectNode claims(String clientId, String scope, Map<String, Object> extra) {
        ObjectNode c = JSON.createObjectNode();
        c.put("iss", ISSUER);
        c.put("aud", AUDIENCE);
        c.put("sub", "user-" + clientId);
        c.put("azp", clientId);
        c.put("scope", scope);
        c.put("exp", Instant.now().plusSeconds(600).getEpochSecond());
        extra.forEach((k, v) -> c.set(k, JSON.valueToTree(v)));
        return c;
    }

    public String sign(String alg, ObjectNode claims) {
        try {
            String header = "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\",\"kid\":\"" + ("RS256".equals(alg) ? "rsa-1"
                    : "ec-1")
                    + "\"}";
            String input = enc(header.getBytes(StandardCharsets.UTF_8)) + "."
                    + enc(JSON.writeValueAsBytes(claims));
            Signature s = Signature.getInstance("RS256".equals(alg) ? "SHA256withRSA" : "SHA256withECDSAinP1363Format");
            s.initSign("RS256".equals(alg) ? rsa.getPrivate() : ec.getPrivate());
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + enc(s.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String b64(BigInteger i) {
        byte[] b = i.toByteArray();
        if (b[0] == 0 && b.length > 1) {
            b = Arrays.copyOfRange(b, 1, b.length);
        }
        return enc(b);
    }

    private static BigInteger fixed(BigInteger i) {
        return i;
    }
}
