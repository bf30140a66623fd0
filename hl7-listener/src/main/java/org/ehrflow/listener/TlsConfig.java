package org.ehrflow.listener;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.ehrflow.listener.tls.TlsSettings;
import org.ehrflow.runtime.ConfigReader;
import org.ehrflow.runtime.Secret;

/** Reads the {@code EHRFLOW_LISTENER_TLS_*} settings; null when TLS is off. */
final class TlsConfig {

    private TlsConfig() {
    }

    static TlsSettings read(ConfigReader r) {
        if (!r.bool("TLS_ENABLED", false)) {
            return null;
        }
        Path keystore = store(r, "TLS_KEYSTORE", true);
        String keystoreType = type(r, "TLS_KEYSTORE_TYPE");
        Secret keystorePassword = r.secret("TLS_KEYSTORE_PASSWORD", "");
        TlsSettings.ClientAuth auth = r.enumValue("TLS_CLIENT_AUTH", TlsSettings.ClientAuth.class,
                TlsSettings.ClientAuth.NONE);
        Path truststore = store(r, "TLS_TRUSTSTORE", false);
        r.check(auth == TlsSettings.ClientAuth.NONE || truststore != null,
                r.key("TLS_TRUSTSTORE") + " is required when " + r.key("TLS_CLIENT_AUTH") + " is " + auth);
        String truststoreType = type(r, "TLS_TRUSTSTORE_TYPE");
        Secret truststorePassword = r.secret("TLS_TRUSTSTORE_PASSWORD", "");
        List<String> protocols = Arrays.stream(r.string("TLS_PROTOCOLS", "TLSv1.3,TLSv1.2").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        r.check(!protocols.isEmpty(), r.key("TLS_PROTOCOLS") + " must name at least one protocol");
        if (keystore == null || (auth != TlsSettings.ClientAuth.NONE && truststore == null) || protocols.isEmpty()) {
            return null; // problems already recorded; validate() reports them
        }
        Map<String, Set<String>> clientFacilities = clientFacilities(r);
        r.check(clientFacilities.isEmpty() || auth == TlsSettings.ClientAuth.REQUIRED, r.key("TLS_CLIENT_FACILITIES")
                + " needs " + r.key("TLS_CLIENT_AUTH") + "=REQUIRED");
        if (!clientFacilities.isEmpty() && auth != TlsSettings.ClientAuth.REQUIRED) {
            return null;
        }
        return new TlsSettings(keystore, keystoreType, keystorePassword, truststore, truststoreType,
                truststorePassword, auth, protocols, clientFacilities);
    }

    /** {@code lab-engine=LAB|LAB2;adt-engine=HOSP}: certificate CN = facilities it may send for. */
    private static Map<String, Set<String>> clientFacilities(ConfigReader r) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        String v = r.string("TLS_CLIENT_FACILITIES", "");
        for (String entry : v.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            Set<String> facilities = eq < 0 ? Set.of() : Arrays.stream(entry.substring(eq + 1).split("\\|"))
                    .map(String::strip).filter(f -> !f.isEmpty()).collect(Collectors.toUnmodifiableSet());
            if (eq <= 0 || facilities.isEmpty()) {
                r.check(false, r.key("TLS_CLIENT_FACILITIES") + " must be CN=FAC|FAC2;CN2=FAC3");
                continue;
            }
            out.put(entry.substring(0, eq).strip(), facilities);
        }
        return out;
    }

    private static Path store(ConfigReader r, String name, boolean required) {
        String v = required ? r.requiredString(name) : r.string(name, null);
        if (v == null || v.isBlank()) {
            return null;
        }
        Path p = Path.of(v);
        r.check(Files.isReadable(p), r.key(name) + " must name a readable keystore file");
        return p;
    }

    private static String type(ConfigReader r, String name) {
        String t = r.string(name, "PKCS12").strip().toUpperCase(Locale.ROOT);
        r.check(t.equals("PKCS12") || t.equals("JKS"), r.key(name) + " must be PKCS12 or JKS");
        return t;
    }
}
