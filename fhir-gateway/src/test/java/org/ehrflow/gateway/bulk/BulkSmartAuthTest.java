package org.ehrflow.gateway.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.ehrflow.gateway.auth.Jwks;
import org.ehrflow.gateway.auth.JwtAccessTokens;
import org.ehrflow.runtime.smart.SmartBackendClient;
import org.ehrflow.gateway.ingest.NdjsonRecords;
import org.ehrflow.gateway.ingest.RawRecord;
import org.ehrflow.runtime.Secret;
import org.ehrflow.schemas.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The $export client authorizes with SMART Backend Services: a token endpoint on loopback checks the client's
 * RS384-signed assertion (signature with the client's registered public key, iss = sub = client id, aud = the token
 * URL, exp) and issues the access token the Bulk Data test server accepts; the client reuses it while valid.
 */
@Timeout(60)
class BulkSmartAuthTest {

    @TempDir
    Path dir;

    @Test
    void exportWithAClientCredentialsGrant() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        Path pem = Files.writeString(dir.resolve("client.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(kp.getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
        RSAPublicKey pub = (RSAPublicKey) kp.getPublic();
        String jwks = "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"n\":\"" + b64(pub.getModulus().toByteArray())
                + "\",\"e\":\"" + b64(pub.getPublicExponent().toByteArray()) + "\"}]}";

        AtomicInteger grants = new AtomicInteger();
        HttpServer auth = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String tokenUrl = "http://127.0.0.1:" + auth.getAddress().getPort() + "/token";
        JwtAccessTokens assertions = new JwtAccessTokens(Jwks.parse(Json.MAPPER.readTree(jwks)), "bulk-client",
                tokenUrl, Clock.systemUTC());
        auth.createContext("/token", ex -> {
            Map<String, String> form = new LinkedHashMap<>();
            for (String kv : new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                String[] p = kv.split("=", 2);
                form.put(p[0], URLDecoder.decode(p[1], StandardCharsets.UTF_8));
            }
            boolean ok = "client_credentials".equals(form.get("grant_type"))
                    && "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(form.get("client_assertion_type"))
                    && assertions.authenticate(form.get("client_assertion")).isPresent();
            byte[] body = (ok ? "{\"access_token\":\"" + BulkTestServer.TOKEN
                    + "\",\"token_type\":\"bearer\",\"expires_in\":300,\"scope\":\"system/*.read\"}"
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
        try (BulkTestServer server = new BulkTestServer(Map.of("Patient",
                Path.of("../../shared/corpus/fhir/ndjson/smartbulk_10pt_Patient.000.ndjson")), Map.of())) {
            SmartBackendClient smart = new SmartBackendClient(new SmartBackendClient.Settings(tokenUrl, "bulk-client",
                    pem, "k1", "RS384", "system/*.read"), Clock.systemUTC());
            BulkJob job = new BulkJob("smart", server.base() + "/fhir", "patient", List.of("Patient"), new Secret(""),
                    dir.resolve("state.json"), smart);
            List<RawRecord> got = new ArrayList<>();
            BulkExporter.Progress p = new BulkExporter(Duration.ofSeconds(10), Duration.ofSeconds(30), 5,
                    new NdjsonRecords(Clock.systemUTC()), got::addAll).run(job);
            assertThat(p.resources()).isEqualTo(13);
            assertThat(got).hasSize(13).allSatisfy(r -> assertThat(r.key()).startsWith("fhir-patient:"));
            // kick-off, two polls, one file, the delete: one grant, reused.
            assertThat(grants.get()).isEqualTo(1);
        } finally {
            auth.stop(0);
        }
    }

    private static String b64(byte[] b) {
        if (b.length > 1 && b[0] == 0) {
            b = Arrays.copyOfRange(b, 1, b.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
