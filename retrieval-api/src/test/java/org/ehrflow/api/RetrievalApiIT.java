package org.ehrflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.ehrflow.api.audit.AuditCli;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.embedding.OnnxEmbedder;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.schemas.PatientKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.yaml.snakeyaml.Yaml;

/**
 * The API end to end over a real socket (JDK HttpClient) against a real PostgreSQL with pgvector, the sink's
 * migrations and rows of the real model, run as the reader logins under row-level security.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RetrievalApiIT {

    private static final String MRN_SYSTEM = "urn:oid:2.16.840.1.113883.3.1";
    private static final String A = PatientKey.of(MRN_SYSTEM, "A-1001");
    private static final String B = PatientKey.of(MRN_SYSTEM, "B-2002");
    private static final String FEVER = "Progress note: the fever resolved overnight, temperature 36.8 C, no chills.";
    private static final String COUGH = "Observation: persistent dry cough for two weeks, chest x-ray clear.";
    private static final String MED = "Medication: amoxicillin 500 mg three times daily for seven days.";
    private static final String B_TEXT = "Discharge summary: fractured left wrist, cast applied.";
    private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalPostgres pg;
    private static OnnxEmbedder embedder;
    private static RetrievalApiApp app;
    private static SimpleMeterRegistry registry;
    private static HttpClient http;
    private static TestTokens idp;
    private static Map<String, String> env;
    private static String base;
    private static final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> LOGS =
            new ch.qos.logback.core.read.ListAppender<>();

    @BeforeAll
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    static void start() throws Exception {
        LOGS.start();
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .addAppender(LOGS);
        pg = LocalPostgres.startTemporary();
        embedder = OnnxEmbedder.load(ModelVariant.INT8);
        ApiFixture.prepare(pg, embedder);
        try (Connection c = pg.connect(ApiFixture.DB)) {
            ApiFixture.insertChunks(c, embedder, List.of(
                    new ApiFixture.ChunkRow(A, "DocumentReference/n1", 0, FEVER,
                            "Progress note: the fever resolved overnight [DATE-1].", "MSG-1", T0),
                    new ApiFixture.ChunkRow(A, "Observation/o1", 0, COUGH, "Observation: persistent dry cough.",
                            "MSG-2", T0.plusSeconds(3600)),
                    new ApiFixture.ChunkRow(A, "MedicationRequest/m1", 0, MED, "Medication: amoxicillin.", "MSG-3",
                            T0.plusSeconds(7200)),
                    new ApiFixture.ChunkRow(B, "DocumentReference/b1", 0, B_TEXT, "Discharge summary [NAME-1].",
                            "MSG-B1", T0)));
            ApiFixture.insertSourceRecord(c, A, "DocumentReference/n1", "1",
                    "{\"resourceType\":\"DocumentReference\",\"status\":\"current\",\"type\":{\"text\":\"Progress note\"}}",
                    T0);
            ApiFixture.insertSourceRecord(c, A, "Observation/o1", "1",
                    "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"Cough\"}}",
                    T0.plusSeconds(3600));
            ApiFixture.insertSourceRecord(c, A, "MedicationRequest/m1", "1",
                    "{\"resourceType\":\"MedicationRequest\",\"status\":\"active\","
                            + "\"medicationCodeableConcept\":{\"text\":\"amoxicillin 500 mg\"}}",
                    T0.plusSeconds(7200));
        }
        idp = new TestTokens();
        Path jwks = ApiFixture.writeJwks(idp);
        env = ApiFixture.env(pg, jwks, Map.of("EHRFLOW_API_RATE_PER_SECOND", "2", "EHRFLOW_API_RATE_BURST", "25"));
        registry = new SimpleMeterRegistry();
        app = RetrievalApiApp.start(ApiConfig.fromEnv(env), embedder, registry);
        base = "http://127.0.0.1:" + app.port();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {app, embedder, pg}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    @Order(1)
    void scopedTokenReadsItsPatientWithCitations() throws Exception {
        HttpResponse<String> r = post(idp.patient("app-a", A), "/v1/retrieve",
                "{\"patient\":{\"key\":\"" + A + "\"},\"query\":\"has the fever gone\",\"k\":3}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("retrieval_id").asText()).hasSize(36);
        assertThat(body.path("text_level").asText()).isEqualTo("raw");
        JsonNode hits = body.path("hits");
        assertThat(hits).hasSize(3);
        assertThat(hits.get(0).path("text").asText()).isEqualTo(FEVER);
        assertThat(hits.get(0).path("citations").get(0).path("resource").asText()).isEqualTo("DocumentReference/n1");
        assertThat(hits.get(0).path("citations").get(0).path("version").asText()).isEqualTo("1");
        assertThat(hits.get(0).path("score").asDouble()).isGreaterThan(hits.get(2).path("score").asDouble());
        assertThat(r.body()).as("RLS: never another patient's rows").doesNotContain(B_TEXT);
        // the same question again: its vector comes from the question cache, and the answer is the same
        HttpResponse<String> again = post(idp.patient("app-a", A), "/v1/retrieve",
                "{\"patient\":{\"key\":\"" + A + "\"},\"query\":\"has the fever gone\",\"k\":3}");
        assertThat(JSON.readTree(again.body()).path("hits")).isEqualTo(hits);
        assertThat(registry.get("ehrflow.api.query_cache.requests").tag("result", "hit").functionCounter().count())
                .isGreaterThanOrEqualTo(1);

        // the same patient named by identifier: the key is derived like ehrflow.patient_key
        HttpResponse<String> byMrn = post(idp.patient("app-a", A), "/v1/retrieve", "{\"patient\":{\"system\":\""
                + MRN_SYSTEM + "\",\"value\":\"A-1001\"},\"query\":\"cough\",\"k\":1}");
        assertThat(byMrn.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(byMrn.body()).path("hits").get(0).path("chunk_id").asText())
                .isEqualTo("Observation/o1#0");
        assertThat(auditRow(body.path("retrieval_id").asText()))
                .containsEntry("outcome", "ALLOWED").containsEntry("patient_key", A)
                .containsEntry("chunk_ids", "{DocumentReference/n1#0,Observation/o1#0,MedicationRequest/m1#0}")
                .containsEntry("query_text", null);
    }

    @Test
    @Order(2)
    void anotherPatientIsRefusedAndAudited() throws Exception {
        HttpResponse<String> r = post(idp.patient("app-a", A), "/v1/retrieve",
                "{\"patient\":{\"key\":\"" + B + "\"},\"query\":\"wrist fracture\"}", "TREAT");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
        JsonNode p = JSON.readTree(r.body());
        assertThat(p.path("reason").asText()).isEqualTo("patient_not_allowed");
        assertThat(r.body()).doesNotContain(B).doesNotContain("wrist");
        Map<String, String> audit = auditRow(p.path("request_id").asText());
        assertThat(audit).containsEntry("outcome", "REFUSED").containsEntry("status", "403")
                .containsEntry("patient_key", B).containsEntry("reason", "patient_not_allowed")
                .containsEntry("client_id", "app-a").containsEntry("purpose_of_use", "TREAT")
                .containsEntry("chunk_ids", "{}");
        assertThat(audit.get("query_hash")).hasSize(64);

        // a user token whose claim lists only A, and a token without a token at all
        HttpResponse<String> user = post(idp.user("clin", "user/*.read", List.of(A)),
                "/v1/patients/" + B + "/timeline", null);
        assertThat(user.statusCode()).isEqualTo(403);
        HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/retrieve"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(auditRow(JSON.readTree(none.body()).path("request_id").asText()))
                .containsEntry("outcome", "REFUSED").containsEntry("reason", "token_missing");
    }

    @Test
    @Order(3)
    void deidentifiedScopeNeverReceivesRawText() throws Exception {
        String token = idp.user("research", "user/*.deid", List.of(A));
        HttpResponse<String> r = post(token, "/v1/retrieve", "{\"patient\":{\"key\":\"" + A
                + "\"},\"query\":\"fever\",\"k\":5}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("text_level").asText()).isEqualTo("deidentified");
        assertThat(body.path("hits")).hasSize(3);
        for (JsonNode h : body.path("hits")) {
            assertThat(h.has("text")).isFalse();
            assertThat(h.path("deidentified_text").asText()).isNotBlank();
        }
        assertThat(r.body()).doesNotContain(FEVER).doesNotContain(COUGH).doesNotContain(MED)
                .contains("[DATE-1]");
        HttpResponse<String> timeline = post(token, "/v1/patients/" + A + "/timeline", null);
        assertThat(timeline.statusCode()).isEqualTo(200);
        assertThat(timeline.body()).doesNotContain(FEVER).doesNotContain("\"summary\"");
        // a patient-level read scope for A does not turn a de-identified grant into raw text for another
        // patient, and the de-identified login cannot read raw text at all (checked at start-up, enforced by grants)
        assertThat(auditRow(body.path("retrieval_id").asText())).containsEntry("text_level", "DEIDENTIFIED");
    }

    @Test
    @Order(4)
    void timelineInTimeOrderFilteredAndPaged() throws Exception {
        String token = idp.patient("app-t", A);
        JsonNode page1 = JSON.readTree(post(token, "/v1/patients/" + A + "/timeline?limit=2", null).body());
        assertThat(page1.path("events")).hasSize(2);
        assertThat(page1.path("events").get(0).path("resource").asText()).isEqualTo("MedicationRequest/m1");
        assertThat(page1.path("events").get(0).path("summary").asText()).isEqualTo("amoxicillin 500 mg");
        assertThat(page1.path("events").get(1).path("resource").asText()).isEqualTo("Observation/o1");
        String cursor = page1.path("next_cursor").asText();
        JsonNode page2 = JSON.readTree(post(token, "/v1/patients/" + A + "/timeline?limit=2&cursor=" + cursor, null)
                .body());
        assertThat(page2.path("events")).hasSize(1);
        assertThat(page2.path("events").get(0).path("resource").asText()).isEqualTo("DocumentReference/n1");
        assertThat(page2.path("next_cursor").isNull()).isTrue();
        JsonNode obs = JSON.readTree(post(token, "/v1/patients/" + A + "/timeline?type=Observation&since="
                + T0.plusSeconds(60), null).body());
        assertThat(obs.path("events")).hasSize(1);
        assertThat(post(token, "/v1/patients/" + A + "/timeline?since=yesterday", null).statusCode())
                .isEqualTo(400);
    }

    @Test
    @Order(5)
    void citationsVerifiedBeforeAndAfterADelete() throws Exception {
        String token = idp.patient("app-c", A);
        JsonNode r = JSON.readTree(post(token, "/v1/retrieve", "{\"patient\":{\"key\":\"" + A
                + "\"},\"query\":\"cough\",\"k\":2}").body());
        String id = r.path("retrieval_id").asText();
        String verify = "{\"retrieval_id\":\"" + id + "\",\"citations\":[{\"resource\":\"Observation/o1\","
                + "\"chunk_id\":\"Observation/o1#0\",\"version\":\"1\"},{\"resource\":\"Condition/invented\"}]}";
        JsonNode before = JSON.readTree(post(token, "/v1/citations/verify", verify).body());
        assertThat(before.path("results").get(0).path("in_retrieval_set").asBoolean()).isTrue();
        assertThat(before.path("results").get(0).path("current").asBoolean()).isTrue();
        assertThat(before.path("results").get(1).path("in_retrieval_set").asBoolean()).as("hallucinated").isFalse();
        assertThat(before.path("all_valid").asBoolean()).isFalse();

        try (Connection c = pg.connect(ApiFixture.DB); Statement st = c.createStatement()) {
            // what the sink does on a DELETE chunk set and a DELETE source record
            st.execute("DELETE FROM ehrflow.chunk WHERE source_id = 'Observation/o1'");
            st.execute("DELETE FROM ehrflow.source_record WHERE resource_ref = 'Observation/o1'");
        }
        JsonNode after = JSON.readTree(post(token, "/v1/citations/verify", verify).body());
        assertThat(after.path("results").get(0).path("in_retrieval_set").asBoolean()).isTrue();
        assertThat(after.path("results").get(0).path("current").asBoolean()).isFalse();
        assertThat(after.path("results").get(0).path("status").asText()).isEqualTo("deleted");

        try (Connection c = pg.connect(ApiFixture.DB)) {
            ApiFixture.insertSourceRecord(c, A, "MedicationRequest/m1", "2",
                    "{\"resourceType\":\"MedicationRequest\",\"status\":\"entered-in-error\"}", T0);
        }
        JsonNode m = JSON.readTree(post(token, "/v1/retrieve", "{\"patient\":{\"key\":\"" + A
                + "\"},\"query\":\"amoxicillin\",\"k\":1}").body());
        JsonNode med = JSON.readTree(post(token, "/v1/citations/verify", "{\"retrieval_id\":\""
                + m.path("retrieval_id").asText() + "\",\"citations\":[{\"resource\":\"MedicationRequest/m1\"}]}")
                .body());
        assertThat(med.path("results").get(0).path("status").asText()).isEqualTo("entered-in-error");
        // another patient's token cannot verify against A's retrieval
        HttpResponse<String> other = post(idp.patient("app-b", B), "/v1/citations/verify", verify);
        assertThat(other.statusCode()).isEqualTo(403);
    }

    @Test
    @Order(6)
    void freshnessWaitReturnsOnceTheSourceIsIndexed() throws Exception {
        String token = idp.patient("app-f", A);
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> pending = http.sendAsync(request(token, "/v1/retrieve",
                "{\"patient\":{\"key\":\"" + A + "\"},\"query\":\"shortness of breath\",\"k\":1,"
                        + "\"freshness\":{\"source_message_id\":\"MSG-NEW\",\"wait_ms\":8000}}", null),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(800);
        assertThat(pending).isNotDone();
        try (Connection c = pg.connect(ApiFixture.DB)) {
            ApiFixture.insertChunks(c, embedder, List.of(new ApiFixture.ChunkRow(A, "Observation/o9", 0,
                    "Observation: new shortness of breath on exertion.", "Observation: shortness of breath.",
                    "MSG-NEW", T0.plusSeconds(9000))));
        }
        HttpResponse<String> r = pending.get(10, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        JsonNode body = JSON.readTree(r.body());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(body.path("freshness").path("indexed").asBoolean()).isTrue();
        assertThat(body.path("hits").get(0).path("chunk_id").asText()).isEqualTo("Observation/o9#0");
        assertThat(ms).isBetween(800L, 8000L);
        JsonNode late = JSON.readTree(post(token, "/v1/retrieve", "{\"patient\":{\"key\":\"" + A
                + "\"},\"query\":\"x\",\"freshness\":{\"source_message_id\":\"NEVER\",\"wait_ms\":200}}").body());
        assertThat(late.path("freshness").path("indexed").asBoolean()).isFalse();
    }

    @Test
    @Order(7)
    void limitsAndProblems() throws Exception {
        String token = idp.patient("app-l", A);
        HttpResponse<String> bigK = post(token, "/v1/retrieve", "{\"patient\":{\"key\":\"" + A
                + "\"},\"query\":\"secret question text\",\"k\":5000}");
        assertThat(bigK.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bigK.body()).path("reason").asText()).isEqualTo("k_out_of_range");
        assertThat(bigK.body()).doesNotContain("secret question text");
        HttpResponse<String> huge = post(token, "/v1/retrieve", "{\"patient\":{\"key\":\"" + A + "\"},\"query\":\""
                + "x".repeat(40_000) + "\"}");
        assertThat(huge.statusCode()).isEqualTo(413);
        HttpResponse<String> broken = post(token, "/v1/retrieve", "{\"query\": \"Jane Doe MRN 555\" ");
        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(broken.body()).doesNotContain("Jane");
        assertThat(post(token, "/v1/retrieve", "{\"patient\":{\"key\":\"" + A + "\"},\"query\":\"q\",\"mode\":"
                + "\"hybrid\"}").statusCode()).as("mode the backend does not offer").isEqualTo(400);
        int limited = 0;
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> r = post(idp.patient("flood", A), "/v1/patients/" + A + "/timeline?limit=1", null);
            if (r.statusCode() == 429) {
                limited++;
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
            }
        }
        assertThat(limited).isGreaterThan(5);
        assertThat(post(token, "/v1/nothing", "{}").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(8)
    void servesOpenApiAndDemoPageAndRefusesOwnerLogins() throws Exception {
        HttpResponse<String> doc = http.send(HttpRequest.newBuilder(URI.create(base + "/openapi.yaml")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(doc.statusCode()).isEqualTo(200);
        Map<String, Object> yaml = new Yaml().load(doc.body());
        assertThat(yaml.get("openapi")).isEqualTo("3.0.3");
        @SuppressWarnings("unchecked")
        Map<String, Object> paths = (Map<String, Object>) yaml.get("paths");
        assertThat(paths).containsKeys("/v1/retrieve", "/v1/patients/{patient}/timeline", "/v1/citations/verify");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).contains("/v1/retrieve");

        Map<String, String> owner = new HashMap<>(env);
        owner.put("EHRFLOW_API_READER_USER", pg.superuser());
        owner.put("EHRFLOW_API_READER_PASSWORD", pg.superuserPassword().value());
        assertThatThrownBy(() -> RetrievalApiApp.start(ApiConfig.fromEnv(owner), embedder, new SimpleMeterRegistry()))
                .hasMessageContaining("EHRFLOW_API_READER_USER").hasMessageContaining("row-level security");
    }

    @Test
    @Order(9)
    void demoPrintsOneRetrieveCall() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        org.ehrflow.api.demo.DemoRetrieval.run(pg.jdbcUrl(ApiFixture.DB), pg.superuser(), pg.superuserPassword(),
                embedder, A, "has the fever gone", new PrintStream(buf, true, "UTF-8"));
        String printed = buf.toString("UTF-8");
        assertThat(printed).contains("POST http://127.0.0.1:").contains("-> HTTP 200").contains("1. score")
                .contains("DocumentReference/n1").contains("audit trail: ");
        // (the demo checks the chain with its own fresh key: here the IT's records, chained under the IT's key,
        // share the chain, so its verdict is not asserted; auditChainDetects... covers verification)
    }

    @Test
    @Order(9)
    void searchPageAnswersInHeadlessChromium() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(chromium),
                "Debian's chromium is not installed (apt-get install -y chromium)");
        String url = base + "/#token=" + idp.patient("demo-page", A) + "&patient=" + A + "&q="
                + URLEncoder.encode("is the fever gone", StandardCharsets.UTF_8);
        Path profile = Files.createTempDirectory("chromium-profile");
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                "--virtual-time-budget=10000", "--dump-dom", url).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(dom).contains("<li class=\"hit\">").contains(FEVER).contains("DocumentReference/n1")
                    .contains("hit(s), retrieval ");
        } finally {
            p.destroyForcibly();
            org.ehrflow.localstack.Dirs.deleteQuietly(profile);
        }
    }

    @Test
    @Order(10)
    void retentionPruneKeepsTheRestVerifiable() throws Exception {
        StringWriter out = new StringWriter();
        assertThat(AuditCli.run(env, new PrintWriter(out, true), "prune", "--older-than", "PT0S")).isZero();
        assertThat(verify()).startsWith("0:").contains("0 record(s)").contains("chain intact");
        for (int i = 0; i < 8; i++) {
            post(idp.patient("app-r" + i, A), "/v1/patients/" + A + "/timeline?limit=1", null);
        }
        assertThat(verify()).startsWith("0:").contains("8 record(s)").contains("chain intact");
    }

    @Test
    @Order(11)
    void auditChainDetectsAnEditedAndADeletedRecord() throws Exception {
        assertThat(verify()).startsWith("0:").contains("chain intact");
        try (Connection c = pg.connect(ApiFixture.DB); Statement st = c.createStatement()) {
            // the service's own login cannot change or delete the log, nor read it
            try (Connection svc = DriverManager.getConnection(pg.jdbcUrl(ApiFixture.DB), ApiFixture.READER,
                    ApiFixture.PASSWORD); Statement s = svc.createStatement()) {
                assertThatThrownBy(() -> s.execute("UPDATE ehrflow_audit.audit_record SET outcome = 'ALLOWED'"))
                        .hasMessageContaining("permission denied");
                assertThatThrownBy(() -> s.execute("DELETE FROM ehrflow_audit.audit_record"))
                        .hasMessageContaining("permission denied");
                assertThatThrownBy(() -> s.executeQuery("SELECT * FROM ehrflow_audit.audit_record"))
                        .hasMessageContaining("permission denied");
            }
            long first;
            try (ResultSet rs = st.executeQuery("SELECT min(seq) FROM ehrflow_audit.audit_record")) {
                rs.next();
                first = rs.getLong(1);
            }
            st.execute("UPDATE ehrflow_audit.audit_record SET patient_key = '" + B + "' WHERE seq = " + (first + 2));
            assertThat(verify()).startsWith("1:").contains("seq " + (first + 2) + ": EDITED");
            st.execute("DELETE FROM ehrflow_audit.audit_record WHERE seq = " + (first + 4));
            assertThat(verify()).startsWith("1:").contains("seq " + (first + 4) + ": MISSING")
                    .contains("seq " + (first + 5) + ": CHAIN_BROKEN");
            long last;
            try (ResultSet rs = st.executeQuery("SELECT max(seq) FROM ehrflow_audit.audit_record")) {
                rs.next();
                last = rs.getLong(1);
            }
            st.execute("DELETE FROM ehrflow_audit.audit_record WHERE seq = " + last);
            assertThat(verify()).contains("HEAD_MISMATCH");
        }
    }

    @Test
    @Order(12)
    void noPhiInTheLogs() {
        List<String> lines = LOGS.list.stream().map(e -> e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())).toList();
        assertThat(lines).as("log lines captured").hasSizeGreaterThan(50);
        for (String phi : List.of("A-1001", "B-2002", A, B, "fever", "wrist", "secret question text", "Jane", "MRN 555",
                "amoxicillin", "shortness of breath")) {
            assertThat(lines).as("no log line carries %s", phi).noneMatch(l -> l.contains(phi));
        }
    }

    private static String verify() {
        StringWriter out = new StringWriter();
        int code = AuditCli.run(env, new PrintWriter(out, true), "verify");
        return code + ":" + out;
    }

    private static Map<String, String> auditRow(String requestId) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(ApiFixture.DB), ApiFixture.AUDITOR,
                ApiFixture.PASSWORD);
                PreparedStatement ps = c.prepareStatement("SELECT * FROM ehrflow_audit.audit_record "
                        + "WHERE request_id = ?::uuid")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("audit record of " + requestId).isTrue();
                Map<String, String> row = new HashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnName(i), rs.getString(i));
                }
                return row;
            }
        }
    }

    private static HttpResponse<String> post(String token, String path, String json) throws Exception {
        return post(token, path, json, null);
    }

    private static HttpResponse<String> post(String token, String path, String json, String purpose)
            throws Exception {
        return http.send(request(token, path, json, purpose), HttpResponse.BodyHandlers.ofString());
    }

    /** POST with a JSON body, or GET when {@code json} is null. */
    private static HttpRequest request(String token, String path, String json, String purpose) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token);
        if (purpose != null) {
            b.header("X-Purpose-Of-Use", purpose);
        }
        if (json == null) {
            return b.GET().build();
        }
        return b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

}
