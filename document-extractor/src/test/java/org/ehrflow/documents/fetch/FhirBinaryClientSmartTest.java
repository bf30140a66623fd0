package org.ehrflow.documents.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.ehrflow.documents.DocumentExtractorConfig;
import org.ehrflow.documents.mapping.AttachmentSource;
import org.ehrflow.runtime.ConfigException;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.smart.SmartBackendClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, attachments by reference with SMART Backend Services credentials: the extractor asks a token endpoint on
 * loopback for an access token with an RS384-signed client assertion (checked here with the client's public key),
 * sends it to the FHIR server for {@code Binary/<id>}, and reuses it while valid; a token endpoint that is down makes
 * the fetch transient (retried, never dead-lettered).
 */
@Timeout(60)
class FhirBinaryClientSmartTest {

    private static final String ACCESS = "smart-access-token-0123456789";

    @TempDir
    Path dir;

    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    private HttpServer server() throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        servers.add(s);
        return s;
    }

    @Test
    void fetchesABinaryWithATokenFromAClientCredentialsGrant() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        Path pem = Files.writeString(dir.resolve("client.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(kp.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        AtomicInteger grants = new AtomicInteger();
        HttpServer auth = server();
        auth.createContext("/token", ex -> {
            Map<String, String> form = new LinkedHashMap<>();
            for (String kv : new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                String[] p = kv.split("=", 2);
                form.put(p[0], URLDecoder.decode(p[1], StandardCharsets.UTF_8));
            }
            boolean ok = "client_credentials".equals(form.get("grant_type")) && signedBy(kp, form.get(
                    "client_assertion"));
            byte[] body = (ok ? "{\"access_token\":\"" + ACCESS + "\",\"token_type\":\"bearer\",\"expires_in\":300}"
                    : "{\"error\":\"invalid_client\"}").getBytes(StandardCharsets.UTF_8);
            if (ok) {
                grants.incrementAndGet();
            }
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(ok ? 200 : 401, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        auth.start();
        HttpServer fhir = server();
        fhir.createContext("/fhir/Binary/", ex -> {
            boolean ok = ("Bearer " + ACCESS).equals(ex.getRequestHeaders().getFirst("Authorization"));
            byte[] body = ok ? "Discharge summary: stable.".getBytes(StandardCharsets.UTF_8) : new byte[0];
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(ok ? 200 : 401, ok ? body.length : -1);
            if (ok) {
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        fhir.start();
        String tokenUrl = "http://127.0.0.1:" + auth.getAddress().getPort() + "/token";
        SmartBackendClient smart = new SmartBackendClient(new SmartBackendClient.Settings(tokenUrl, "extractor", pem,
                "k1", "RS384", "system/Binary.read"), Clock.systemUTC());
        FhirBinaryClient client = new FhirBinaryClient(new FetchSettings(URI.create("http://127.0.0.1:"
                + fhir.getAddress().getPort() + "/fhir"), new Secret(""), Set.of(), Duration.ofSeconds(5), 1 << 20,
                smart));

        assertThat(new String(client.fetch("Binary/note-1").data(), StandardCharsets.UTF_8)).contains("stable");
        assertThat(client.fetch("Binary/note-2").data()).isNotEmpty();
        assertThat(grants.get()).as("one grant, reused while valid").isEqualTo(1);

        // The token endpoint down: transient (the stage retries; nothing is dead-lettered).
        auth.stop(0);
        SmartBackendClient fresh = new SmartBackendClient(new SmartBackendClient.Settings(tokenUrl, "extractor", pem,
                "k1", "RS384", "system/Binary.read"), Clock.systemUTC());
        FhirBinaryClient down = new FhirBinaryClient(new FetchSettings(URI.create("http://127.0.0.1:"
                + fhir.getAddress().getPort() + "/fhir"), new Secret(""), Set.of(), Duration.ofSeconds(5), 1 << 20,
                fresh));
        assertThatThrownBy(() -> down.fetch("Binary/note-3")).isInstanceOf(AttachmentSource.TransientFetchException.class);
    }

    @Test
    void settingsReadSmartCredentialsAndRefuseTwoKindsAtOnce() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(384);
        Path pem = Files.writeString(dir.resolve("ec.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(g.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        Map<String, String> env = Map.of("EHRFLOW_KAFKA_BOOTSTRAP_SERVERS", "b:9092",
                "EHRFLOW_DOCUMENTS_FHIR_BASE_URL", "https://ehr.example.org/fhir",
                "EHRFLOW_DOCUMENTS_FETCH_SMART_TOKEN_URL", "https://ehr.example.org/token",
                "EHRFLOW_DOCUMENTS_FETCH_SMART_CLIENT_ID", "extractor",
                "EHRFLOW_DOCUMENTS_FETCH_SMART_KEY_FILE", pem.toString(),
                "EHRFLOW_DOCUMENTS_FETCH_SMART_ALG", "ES384");
        assertThat(DocumentExtractorConfig.fromEnv(env).fetch().smart()).isNotNull();
        Map<String, String> both = new LinkedHashMap<>(env);
        both.put("EHRFLOW_DOCUMENTS_FHIR_BEARER_TOKEN", "static-token-0123456789");
        assertThatThrownBy(() -> DocumentExtractorConfig.fromEnv(both)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("FETCH_SMART_TOKEN_URL")));
        Map<String, String> badAlg = new LinkedHashMap<>(env);
        badAlg.put("EHRFLOW_DOCUMENTS_FETCH_SMART_ALG", "HS256");
        assertThatThrownBy(() -> DocumentExtractorConfig.fromEnv(badAlg)).isInstanceOfSatisfying(
                ConfigException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).startsWith("EHRFLOW_DOCUMENTS_FETCH_SMART_ALG")));
    }

    /** Whether the assertion is an RS384 JWS signed by the client's key (what a token endpoint checks first). */
    private static boolean signedBy(KeyPair kp, String jwt) {
        try {
            String[] parts = jwt.split("\\.");
            Signature s = Signature.getInstance("SHA384withRSA");
            s.initVerify(kp.getPublic());
            s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            return s.verify(Base64.getUrlDecoder().decode(parts[2]));
        } catch (Exception e) {
            return false;
        }
    }
}
