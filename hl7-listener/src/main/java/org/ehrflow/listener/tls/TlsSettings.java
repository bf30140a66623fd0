package org.ehrflow.listener.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.ehrflow.runtime.Secret;

/**
 * MLLP over TLS: the server certificate's keystore and, for client-certificate authentication, a truststore.
 *
 * @param keystore           PKCS12 or JKS file holding the server key and certificate chain
 * @param keystoreType       "PKCS12" or "JKS"
 * @param keystorePassword   store (and key) password
 * @param truststore         CA certificates that sign accepted client certificates; null without client auth
 * @param truststoreType     "PKCS12" or "JKS"
 * @param truststorePassword truststore password
 * @param clientAuth         whether client certificates are requested or required
 * @param protocols          enabled protocol versions, e.g. TLSv1.3, TLSv1.2
 * @param clientFacilities   client certificate CN -> the sending facilities it may send for; empty = no such rule
 *                           (needs {@code REQUIRED} client authentication)
 */
public record TlsSettings(Path keystore, String keystoreType, Secret keystorePassword, Path truststore,
        String truststoreType, Secret truststorePassword, ClientAuth clientAuth, List<String> protocols,
        Map<String, Set<String>> clientFacilities) {

    /** Client-certificate policy. */
    public enum ClientAuth { NONE, WANT, REQUIRED }

    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    public TlsSettings {
        protocols = List.copyOf(protocols);
        clientFacilities = Map.copyOf(clientFacilities);
        if (clientAuth != ClientAuth.NONE && truststore == null) {
            throw new IllegalArgumentException("client authentication needs a truststore");
        }
        if (!clientFacilities.isEmpty() && clientAuth != ClientAuth.REQUIRED) {
            throw new IllegalArgumentException("facilities per client certificate need REQUIRED client authentication");
        }
    }

    /** Server certificate only, no client authentication. */
    public static TlsSettings serverOnly(Path keystore, String type, Secret password) {
        return new TlsSettings(keystore, type, password, null, type, new Secret(""), ClientAuth.NONE,
                DEFAULT_PROTOCOLS, Map.of());
    }

    /** This configuration with client certificates checked against {@code truststore}. */
    public TlsSettings withClientAuth(ClientAuth auth, Path trust, String type, Secret password) {
        return new TlsSettings(keystore, keystoreType, keystorePassword, trust, type, password, auth, protocols,
                clientFacilities);
    }

    /** This configuration where each client certificate (by CN) may send only for its listed facilities. */
    public TlsSettings withClientFacilities(Map<String, Set<String>> facilities) {
        return new TlsSettings(keystore, keystoreType, keystorePassword, truststore, truststoreType,
                truststorePassword, clientAuth, protocols, facilities);
    }

    /** Loads the stores; failures name the store, never a password. */
    public SSLContext sslContext() {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(keystore, keystoreType, keystorePassword), keystorePassword.value().toCharArray());
            TrustManagerFactory tmf = null;
            if (truststore != null) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(load(truststore, truststoreType, truststorePassword));
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot load the MLLP TLS key/trust stores ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static KeyStore load(Path file, String type, Secret password)
            throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password.value().toCharArray());
        }
        return ks;
    }

    @Override
    public String toString() {
        return "TlsSettings[keystore=" + keystore + " (" + keystoreType + "), truststore=" + truststore
                + ", clientAuth=" + clientAuth + ", protocols=" + protocols + ", clientFacilities="
                + clientFacilities.keySet() + "]";
    }
}
