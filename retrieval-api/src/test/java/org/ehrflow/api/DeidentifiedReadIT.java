package org.ehrflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

/**
 * The de-identified read side over real HTTP and PostgreSQL (sink migrations up to V8): a {@code .deid} scope gets
 * the same citations as a {@code .read} scope (document page/OCR, cited facts, twins), can wait for freshness, and
 * has citations verified as deleted / entered-in-error / superseded, and never receives raw text or record JSON.
 * Also (same service) a flood of requests without a valid token: one record for the first of each address and
 * window, one counting the rest, the chain intact.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeidentifiedReadIT {

    private static final String A = PatientKey.of("urn:oid:2.16.840.1.113883.3.1", "D-3003");
    private static final String B = PatientKey.of("urn:oid:2.16.840.1.113883.3.1", "E-4004");
    private static final String SCAN = "Scanned referral: Jane Roe has severe left knee pain after a fall.";
    private static final String SCAN_DEID = "Scanned referral: [NAME-1] has severe left knee pain after a fall.";
    private static final String STORY = "Encounter: Jane Roe seen for wheezing; peak flow 310 L/min, albuterol given.";
    private static final String STORY_DEID = "Encounter: [NAME-1] seen for wheezing; peak flow 310 L/min.";
    private static final String B_TEXT = "Discharge: Max Mustermann, appendectomy, recovering well.";
    private static final Instant T0 = Instant.parse("2026-04-01T08:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalPostgres pg;
    private static OnnxEmbedder embedder;
    private static RetrievalApiApp app;
    private static HttpClient http;
    private static TestTokens idp;
    private static String base;
    private static Map<String, String> env;

    @BeforeAll
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    static void start() throws Exception {
        pg = LocalPostgres.startTemporary();
        embedder = OnnxEmbedder.load(ModelVariant.INT8);
        ApiFixture.prepare(pg, embedder);
        try (Connection c = pg.connect(ApiFixture.DB); Statement st = c.createStatement()) {
            ApiFixture.insertChunks(c, embedder, List.of(
                    new ApiFixture.ChunkRow(A, "DocumentReference/scan1", 0, SCAN, SCAN_DEID, "MSG-D1", T0),
                    // the same scan filed as a DiagnosticReport too: a twin (same text, another source)
                    new ApiFixture.ChunkRow(A, "DiagnosticReport/r1", 0, SCAN, SCAN_DEID, "MSG-D2", T0),
                    new ApiFixture.ChunkRow(A, "Encounter/e1", 0, STORY, STORY_DEID, "MSG-D3", T0.plusSeconds(60)),
                    new ApiFixture.ChunkRow(B, "DocumentReference/b1", 0, B_TEXT, "Discharge: [NAME-1].", "MSG-E1",
                            T0)));
            // what the sink writes for a page read by OCR and for an encounter story citing its facts (V5, V6)
            st.execute("UPDATE ehrflow.chunk SET page_start = 3, page_end = 3, document_part = 'content[0]', "
                    + "ocr = true, ocr_confidence = 71.5, ocr_low_confidence = false "
                    + "WHERE chunk_id IN ('DocumentReference/scan1#0', 'DiagnosticReport/r1#0')");
            st.execute("UPDATE ehrflow.chunk SET cites = ARRAY['Encounter/e1', 'Observation/pf1', "
                    + "'MedicationAdministration/ma1'] WHERE chunk_id = 'Encounter/e1#0'");
            ApiFixture.insertSourceRecord(c, A, "DocumentReference/scan1", "1",
                    "{\"resourceType\":\"DocumentReference\",\"status\":\"current\",\"description\":\"Jane Roe\"}", T0);
            ApiFixture.insertSourceRecord(c, A, "Observation/pf1", "1",
                    "{\"resourceType\":\"Observation\",\"status\":\"final\",\"note\":[{\"text\":\"Jane Roe\"}]}", T0);
            ApiFixture.insertSourceRecord(c, A, "MedicationAdministration/ma1", "1",
                    "{\"resourceType\":\"MedicationAdministration\",\"status\":\"completed\"}", T0);
        }
        idp = new TestTokens();
        Path jwks = ApiFixture.writeJwks(idp);
        // a short window for the unauthenticated-flood check (default one minute)
        env = ApiFixture.env(pg, jwks, Map.of("EHRFLOW_API_AUDIT_UNAUTHENTICATED_WINDOW", "PT2S"));
        app = RetrievalApiApp.start(ApiConfig.fromEnv(env), embedder, new SimpleMeterRegistry());
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
    void deidentifiedHitsCarryTheCitationsARawReaderGets() throws Exception {
        String deid = retrieve(idp.user("research", "user/*.deid", List.of(A)), "knee pain after a fall", 3);
        String raw = retrieve(idp.patient("app-a", A), "knee pain after a fall", 3);
        JsonNode d = JSON.readTree(deid);
        JsonNode r = JSON.readTree(raw);
        JsonNode scan = d.path("hits").get(0);
        assertThat(scan.path("chunk_id").asText()).isIn("DocumentReference/scan1#0", "DiagnosticReport/r1#0");
        assertThat(scan.path("document").path("page_start").asInt()).isEqualTo(3);
        assertThat(scan.path("document").path("part").asText()).isEqualTo("content[0]");
        assertThat(scan.path("document").path("ocr").asBoolean()).isTrue();
        assertThat(scan.path("document").path("ocr_confidence").asDouble()).isEqualTo(71.5);
        assertThat(texts(scan.path("sources"))).as("twins by their de-identified text")
                .containsExactlyInAnyOrder("DocumentReference/scan1", "DiagnosticReport/r1");
        assertThat(scan.path("citations").get(0).path("version").asText()).isEqualTo("1");
        JsonNode story = hit(d, "Encounter/e1#0");
        assertThat(texts(story.path("citations").findValues("resource"))).containsExactly("Encounter/e1",
                "MedicationAdministration/ma1", "Observation/pf1");
        assertThat(story.has("document")).isFalse();
        // the same citation members at both levels; only the text member differs
        for (String id : List.of("DocumentReference/scan1#0", "Encounter/e1#0")) {
            assertThat(hit(d, id).path("citations")).isEqualTo(hit(r, id).path("citations"));
            assertThat(hit(d, id).path("document")).isEqualTo(hit(r, id).path("document"));
        }
        assertThat(hit(r, "DocumentReference/scan1#0").path("text").asText()).isEqualTo(SCAN);
        assertNoRawText(deid);
        assertThat(deid).contains("[NAME-1]");
    }

    @Test
    @Order(2)
    void freshnessWaitWorksForADeidentifiedScope() throws Exception {
        String token = idp.user("research", "user/*.deid", List.of(A));
        CompletableFuture<HttpResponse<String>> pending = http.sendAsync(request(token, "/v1/retrieve",
                "{\"patient\":{\"key\":\"" + A + "\"},\"query\":\"ankle swelling\",\"k\":1,"
                        + "\"freshness\":{\"source_message_id\":\"MSG-D9\",\"wait_ms\":8000}}"),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(800);
        assertThat(pending).isNotDone();
        try (Connection c = pg.connect(ApiFixture.DB)) {
            ApiFixture.insertChunks(c, embedder, List.of(new ApiFixture.ChunkRow(A, "Observation/o9", 0,
                    "Observation: Jane Roe reports right ankle swelling.", "Observation: [NAME-1] ankle swelling.",
                    "MSG-D9", T0.plusSeconds(900))));
        }
        HttpResponse<String> r = pending.get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("freshness").path("indexed").asBoolean()).isTrue();
        assertThat(body.path("hits").get(0).path("chunk_id").asText()).isEqualTo("Observation/o9#0");
        assertThat(body.path("hits").get(0).has("text")).isFalse();
        assertNoRawText(r.body());
        // another patient's message is not visible through the wait (row-level security on source_event)
        JsonNode other = JSON.readTree(send(token, "/v1/retrieve", "{\"patient\":{\"key\":\"" + A
                + "\"},\"query\":\"x\",\"freshness\":{\"source_message_id\":\"MSG-E1\",\"wait_ms\":200}}").body());
        assertThat(other.path("freshness").path("indexed").asBoolean()).isFalse();
    }

    @Test
    @Order(3)
    void citationVerificationReportsDeletedEnteredInErrorAndSupersededToADeidentifiedScope() throws Exception {
        String token = idp.user("research", "user/*.deid", List.of(A));
        JsonNode r = JSON.readTree(retrieve(token, "wheezing peak flow", 5));
        String verify = "{\"retrieval_id\":\"" + r.path("retrieval_id").asText() + "\",\"citations\":["
                + "{\"resource\":\"Observation/pf1\",\"version\":\"1\"},"
                + "{\"resource\":\"MedicationAdministration/ma1\"},"
                + "{\"resource\":\"DocumentReference/scan1\",\"version\":\"1\"},"
                + "{\"resource\":\"Encounter/e1\"}]}";
        JsonNode before = JSON.readTree(send(token, "/v1/citations/verify", verify).body());
        assertThat(statuses(before)).containsExactly("current", "current", "current", "current");
        assertThat(before.path("all_valid").asBoolean()).isTrue();

        try (Connection c = pg.connect(ApiFixture.DB); Statement st = c.createStatement()) {
            ApiFixture.insertSourceRecord(c, A, "Observation/pf1", "2",
                    "{\"resourceType\":\"Observation\",\"status\":\"entered-in-error\",\"note\":[{\"text\":\"Jane "
                            + "Roe\"}]}", T0);
            ApiFixture.insertSourceRecord(c, A, "DocumentReference/scan1", "2",
                    "{\"resourceType\":\"DocumentReference\",\"status\":\"current\"}", T0);
            // the sink on a DELETE of the administration: its record goes (it has no chunk rows of its own)
            st.execute("DELETE FROM ehrflow.source_record WHERE resource_ref = 'MedicationAdministration/ma1'");
        }
        HttpResponse<String> after = send(token, "/v1/citations/verify", verify);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(statuses(JSON.readTree(after.body())))
                .containsExactly("entered-in-error", "deleted", "superseded", "current");
        assertThat(after.body()).doesNotContain("Jane").doesNotContain("resourceType");
    }

    @Test
    @Order(4)
    void theDeidentifiedLoginGetsStatusOnlyForItsOwnPatient() throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(ApiFixture.DB), ApiFixture.DEID,
                ApiFixture.PASSWORD)) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SELECT set_config('ehrflow.patient_key', '" + A + "', true)");
                assertThat(sqlState(st, "SELECT * FROM ehrflow.citation_status_deid('" + B
                        + "', ARRAY['DocumentReference/b1'])")).as("another patient than the scoped one")
                        .isEqualTo("42501");
                c.rollback();
                st.execute("SELECT set_config('ehrflow.patient_key', '" + A + "', true)");
                assertThat(sqlState(st, "SELECT resource_json FROM ehrflow.source_record")).isEqualTo("42501");
                c.rollback();
                st.execute("SELECT set_config('ehrflow.patient_key', '" + A + "', true)");
                assertThat(sqlState(st, "SELECT text FROM ehrflow.chunk")).isEqualTo("42501");
                c.rollback();
                st.execute("SELECT set_config('ehrflow.patient_key', '" + A + "', true)");
                assertThat(sqlState(st, "SELECT content_hash FROM ehrflow.chunk")).as("a hash of raw text")
                        .isEqualTo("42501");
                c.rollback();
                // the twin lookup answers for the scoped patient only, whatever ids it is given
                st.execute("SELECT set_config('ehrflow.patient_key', '" + A + "', true)");
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM ehrflow.deid_twins("
                        + "ARRAY['DocumentReference/b1#0', 'DocumentReference/scan1#0'])")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                }
                c.rollback();
            }
        }
        // the raw reader does not need it and PUBLIC may not call it
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(ApiFixture.DB), ApiFixture.READER,
                ApiFixture.PASSWORD); Statement st = c.createStatement()) {
            assertThat(sqlState(st, "SELECT * FROM ehrflow.citation_status_deid('" + A + "', ARRAY['x/y'])"))
                    .isEqualTo("42501");
            assertThat(sqlState(st, "SELECT * FROM ehrflow.deid_twins(ARRAY['x'])")).isEqualTo("42501");
        }
    }

    @Test
    @Order(5)
    void anUnauthenticatedFloodIsAuditedAsTheFirstRequestAndOneCountPerAddressAndWindow() throws Exception {
        Timestamp from = new Timestamp(System.currentTimeMillis() - 1);
        int flood = 60;
        for (int i = 0; i < flood; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/retrieve"))
                    .header("Authorization", i % 2 == 0 ? "Bearer not.a.token" : "Basic eDp5")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isIn(401, 429);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long[] rowsAndRequests;
        do {
            Thread.sleep(200);
            rowsAndRequests = unauthenticatedSince(from);
        } while (rowsAndRequests[1] < flood && System.nanoTime() < deadline);
        assertThat(rowsAndRequests[1]).as("every request is counted").isEqualTo(flood);
        // the flood took less than two 2 s windows: at most 3 windows touched, two records each
        assertThat(rowsAndRequests[0]).as("records written").isBetween(2L, 6L);
        StringWriter out = new StringWriter();
        assertThat(AuditCli.run(env, new PrintWriter(out, true), "verify")).as(out.toString()).isZero();
        assertThat(out.toString()).contains("chain intact");
    }

    /** Audit records of requests without a valid token since {@code from}, and the requests they stand for. */
    private static long[] unauthenticatedSince(Timestamp from) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(ApiFixture.DB), ApiFixture.AUDITOR,
                ApiFixture.PASSWORD); PreparedStatement ps = c.prepareStatement("SELECT count(*), "
                        + "coalesce(sum(request_count), 0) FROM ehrflow_audit.audit_record "
                        + "WHERE client_id IS NULL AND recorded_at >= ?")) {
            ps.setTimestamp(1, from);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    private static String sqlState(Statement st, String sql) {
        try {
            st.executeQuery(sql).close();
            return "none";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    private static void assertNoRawText(String body) {
        assertThat(body).doesNotContain("Jane").doesNotContain("Roe").doesNotContain("albuterol")
                .doesNotContain("Mustermann").doesNotContain("\"text\"");
        for (JsonNode h : readTree(body).path("hits")) {
            assertThat(h.has("text")).as("a de-identified hit has no text member").isFalse();
        }
    }

    private static JsonNode readTree(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> statuses(JsonNode verified) {
        List<String> out = new ArrayList<>();
        verified.path("results").forEach(n -> out.add(n.path("status").asText()));
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> texts(List<JsonNode> nodes) {
        return nodes.stream().map(JsonNode::asText).toList();
    }

    private static JsonNode hit(JsonNode body, String chunkId) {
        for (JsonNode h : body.path("hits")) {
            if (h.path("chunk_id").asText().equals(chunkId)) {
                return h;
            }
        }
        throw new AssertionError("no hit " + chunkId);
    }

    private static String retrieve(String token, String query, int k) throws Exception {
        HttpResponse<String> r = send(token, "/v1/retrieve", "{\"patient\":{\"key\":\"" + A + "\"},\"query\":\""
                + query + "\",\"k\":" + k + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private static HttpResponse<String> send(String token, String path, String json) throws Exception {
        return http.send(request(token, path, json), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(String token, String path, String json) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }
}
