package org.ehrflow.api.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import org.ehrflow.api.ApiConfig;
import org.ehrflow.api.ApiDatabaseInit;
import org.ehrflow.api.RetrievalApiApp;
import org.ehrflow.api.audit.AuditChain;
import org.ehrflow.api.audit.AuditVerifier;
import org.ehrflow.api.http.Json;
import org.ehrflow.api.store.ConnectionFactory;
import org.ehrflow.embedding.Embedder;
import org.ehrflow.runtime.Secret;

/**
 * The demo's API step: sets up the API's logins on the demo database, starts the API on an ephemeral port with a
 * throw-away identity provider, makes one {@code POST /v1/retrieve} call with a patient token, prints the request
 * and the hits with their citations, then checks the audit chain as the auditor. The text printed is the demo's
 * synthetic data.
 */
public final class DemoRetrieval {

    private DemoRetrieval() {
    }

    /** Runs the call and prints it; {@code admin} must own the vector store (it creates the API's logins). */
    public static void run(String jdbcUrl, String admin, Secret adminPassword, Embedder embedder, String patientKey,
            String question, PrintStream out) throws Exception {
        DemoIdentityProvider idp = new DemoIdentityProvider();
        Path jwks = Files.createTempFile("ehrflow-demo-jwks", ".json");
        try {
            Files.writeString(jwks, idp.jwks());
            Map<String, String> env = env(jdbcUrl, admin, adminPassword, jwks);
            ApiDatabaseInit.run(env);
            try (RetrievalApiApp app = RetrievalApiApp.start(ApiConfig.fromEnv(env), embedder,
                    new SimpleMeterRegistry())) {
                String body = "{\"patient\":{\"key\":\"" + patientKey + "\"},\"query\":" + Json.MAPPER
                        .writeValueAsString(question) + ",\"k\":3}";
                out.printf("  POST http://127.0.0.1:%d/v1/retrieve  (Bearer: patient/*.read for %s)%n  %s%n",
                        app.port(), patientKey, body);
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + app.port() + "/v1/retrieve")).timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + idp.patientToken("demo", patientKey))
                        .header("Content-Type", "application/json").header("X-Purpose-Of-Use", "TREAT")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                print(r, out);
            }
            try (Connection c = ConnectionFactory.of(jdbcUrl, env.get("EHRFLOW_API_AUDITOR_USER"),
                    new Secret(env.get("EHRFLOW_API_AUDITOR_PASSWORD")), "ehrflow-demo").open()) {
                AuditVerifier.Result v = new AuditVerifier(new AuditChain(env.get("EHRFLOW_API_AUDIT_KEY")
                        .getBytes(StandardCharsets.UTF_8))).verify(c);
                out.printf("  audit trail: %d record(s), %s%n", v.records(), v.ok() ? "chain intact"
                        : v.problems().size() + " problem(s)");
            }
        } finally {
            Files.deleteIfExists(jwks);
        }
    }

    static void print(HttpResponse<String> r, PrintStream out) throws Exception {
        JsonNode b = Json.MAPPER.readTree(r.body());
        out.printf("  -> HTTP %d, retrieval_id %s, %d hit(s)%n", r.statusCode(), b.path("retrieval_id").asText("-"),
                b.path("hits").size());
        for (JsonNode h : b.path("hits")) {
            String text = h.path("text").asText().replace('\n', ' ');
            out.printf(Locale.ROOT, "  %d. score %.3f  %s  cites %s%n     %s%n", h.path("rank").asInt(),
                    h.path("score").asDouble(), h.path("chunk_id").asText(),
                    h.path("citations").findValuesAsText("resource"),
                    text.length() > 140 ? text.substring(0, 140) + "..." : text);
        }
    }

    private static Map<String, String> env(String jdbcUrl, String admin, Secret adminPassword, Path jwks) {
        Map<String, String> env = new HashMap<>();
        env.put("EHRFLOW_API_PORT", "0");
        env.put("EHRFLOW_API_JDBC_URL", jdbcUrl);
        env.put("EHRFLOW_API_INIT_ADMIN_USER", admin);
        env.put("EHRFLOW_API_INIT_ADMIN_PASSWORD", adminPassword.value());
        env.put("EHRFLOW_API_READER_USER", "rag_api");
        env.put("EHRFLOW_API_READER_PASSWORD", random());
        env.put("EHRFLOW_API_DEID_USER", "rag_api_deid");
        env.put("EHRFLOW_API_DEID_PASSWORD", random());
        env.put("EHRFLOW_API_AUDITOR_USER", "rag_auditor");
        env.put("EHRFLOW_API_AUDITOR_PASSWORD", random());
        env.put("EHRFLOW_API_JWKS_FILE", jwks.toString());
        env.put("EHRFLOW_API_ISSUER", DemoIdentityProvider.ISSUER);
        env.put("EHRFLOW_API_AUDIENCE", DemoIdentityProvider.AUDIENCE);
        env.put("EHRFLOW_API_AUDIT_KEY", random());
        return env;
    }

    private static String random() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
