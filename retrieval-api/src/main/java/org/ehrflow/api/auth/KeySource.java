package org.ehrflow.api.auth;

/** Where token signing keys come from: a JWKS file read once, or a JWKS URL refreshed ({@link RemoteJwks}). */
public interface KeySource {

    /** The key named {@code kid} (or the only key when the token names none), or null. */
    JwksKeys.Key find(String kid);
}
