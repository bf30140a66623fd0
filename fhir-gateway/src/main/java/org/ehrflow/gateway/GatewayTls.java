package org.ehrflow.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.ehrflow.runtime.ConfigReader;
import org.ehrflow.runtime.Secret;

/**
 * HTTPS for the FHIR port: the server key store ({@code EHRFLOW_GATEWAY_TLS_*}, the same names as the listener's).
 *
 * @param keystore PKCS12 or JKS file with the server key and chain
 * @param type     "PKCS12" or "JKS"
 * @param password store and key password
 * @param protocols enabled protocol versions
 */
public record GatewayTls(Path keystore, String type, Secret password, List<String> protocols) {

    public GatewayTls {
        protocols = List.copyOf(protocols);
    }

    static GatewayTls read(ConfigReader r) {
        if (!r.bool("TLS_ENABLED", false)) {
            return null;
        }
        String ks = r.requiredString("TLS_KEYSTORE");
        String type = r.string("TLS_KEYSTORE_TYPE", "PKCS12").toUpperCase(Locale.ROOT);
        r.check(type.equals("PKCS12") || type.equals("JKS"), r.key("TLS_KEYSTORE_TYPE") + " must be PKCS12 or JKS");
        Secret password = r.secret("TLS_KEYSTORE_PASSWORD", "");
        List<String> protocols = Arrays.stream(r.string("TLS_PROTOCOLS", "TLSv1.3,TLSv1.2").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (ks == null) {
            return null;
        }
        r.check(Files.isReadable(Path.of(ks)), r.key("TLS_KEYSTORE") + " must name a readable key store");
        return new GatewayTls(Path.of(ks), type, password, protocols);
    }

    /** Loads the store; failures name the store, never the password. */
    public SSLContext sslContext() {
        try {
            KeyStore store = KeyStore.getInstance(type);
            try (InputStream in = Files.newInputStream(keystore)) {
                store.load(in, password.value().toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password.value().toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot load the gateway's TLS key store (" + e.getClass().getSimpleName()
                    + ")", e);
        }
    }

    @Override
    public String toString() {
        return "GatewayTls[" + keystore + ", " + type + ", " + protocols + "]";
    }
}
