package org.ehrflow.gateway.auth;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/** Test-only JWS signing and JWKS writing with the JDK's own crypto. */
final class TestJwts {

    private TestJwts() {
    }

    static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    static KeyPair ec384() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
        return g.generateKeyPair();
    }

    static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Unsigned big-endian bytes, as JWK wants them. */
    static String uint(BigInteger i, int len) {
        byte[] b = i.toByteArray();
        if (b.length > 1 && b[0] == 0) {
            b = Arrays.copyOfRange(b, 1, b.length);
        }
        if (len > b.length) {
            byte[] p = new byte[len];
            System.arraycopy(b, 0, p, len - b.length, b.length);
            b = p;
        }
        return b64(b);
    }

    static String jwks(String rsaKid, KeyPair rsa, String ecKid, KeyPair ec) {
        RSAPublicKey r = (RSAPublicKey) rsa.getPublic();
        ECPublicKey e = (ECPublicKey) ec.getPublic();
        return "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"" + rsaKid + "\",\"n\":\"" + uint(r.getModulus(), 0)
                + "\",\"e\":\"" + uint(r.getPublicExponent(), 0) + "\"},{\"kty\":\"EC\",\"crv\":\"P-384\",\"kid\":\""
                + ecKid + "\",\"x\":\"" + uint(e.getW().getAffineX(), 48) + "\",\"y\":\"" + uint(e.getW().getAffineY(),
                        48)
                + "\"}]}";
    }

    static String sign(String alg, String kid, String claimsJson, PrivateKey key) throws Exception {
        String header = b64(("{\"alg\":\"" + alg + "\",\"kid\":\"" + kid + "\",\"typ\":\"JWT\"}")
                .getBytes(StandardCharsets.UTF_8));
        String body = b64(claimsJson.getBytes(StandardCharsets.UTF_8));
        String jca = switch (alg) {
            case "RS384" -> "SHA384withRSA";
            case "RS256" -> "SHA256withRSA";
            case "ES384" -> "SHA384withECDSAinP1363Format";
            default -> throw new IllegalArgumentException(alg);
        };
        Signature s = Signature.getInstance(jca);
        s.initSign(key);
        s.update((header + "." + body).getBytes(StandardCharsets.US_ASCII));
        return header + "." + body + "." + b64(s.sign());
    }
}
