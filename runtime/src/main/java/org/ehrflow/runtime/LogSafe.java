package org.ehrflow.runtime;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Correlation without PHI: log lines that must name a patient carry a keyed hash of the patient key. The key is
 * per process unless {@code EHRFLOW_LOG_HASH_KEY} is set (set it to correlate across processes).
 */
public final class LogSafe {

    private static final byte[] KEY = initKey();

    private LogSafe() {
    }

    /** A short keyed hash of {@code value}, stable within a process (or across processes sharing the key). */
    public static String hash(String value) {
        if (value == null) {
            return "-";
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)), 0, 6);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static byte[] initKey() {
        String configured = System.getenv("EHRFLOW_LOG_HASH_KEY");
        if (configured != null && !configured.isBlank()) {
            return configured.getBytes(StandardCharsets.UTF_8);
        }
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }
}
