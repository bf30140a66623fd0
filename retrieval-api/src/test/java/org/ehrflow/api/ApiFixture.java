package org.ehrflow.api;

import com.pgvector.PGvector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.ehrflow.sink.embed.ModelRoles;
import org.ehrflow.api.audit.AuditMigrations;
import org.ehrflow.embedding.Embedder;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.sink.store.Migrations;

/**
 * The store the API reads, built the way production builds it: the sink's migrations, the model registered by
 * the sink's start-up code, login roles in the reader roles, and chunk rows, source records and source events
 * written as the sink writes them (same columns, vectors of the same model).
 */
public final class ApiFixture {

    public static final String DB = "rag";
    public static final String READER = "api_reader";
    public static final String DEID = "api_deid";
    public static final String AUDITOR = "api_auditor";
    public static final String PASSWORD = "test-only-password";
    public static final String AUDIT_KEY = "audit-key-for-tests-only-0123456789abcdef";

    private ApiFixture() {
    }

    /** Sink and audit migrations, model registration, logins. */
    public static void prepare(LocalPostgres pg, Embedder embedder) throws Exception {
        pg.requireVector();
        pg.createDatabase(DB);
        String url = pg.jdbcUrl(DB);
        Migrations.run(url, pg.superuser(), pg.superuserPassword());
        ModelRoles.register(url, pg.superuser(), pg.superuserPassword(), List.of(embedder));
        // the audit roles come with the API's migration (the app runs it too when MIGRATE_USER is set: a no-op then)
        AuditMigrations.run(url, pg.superuser(), pg.superuserPassword());
        try (Connection c = pg.connect(DB); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + READER + " LOGIN PASSWORD '" + PASSWORD
                    + "' IN ROLE ehrflow_reader, ehrflow_audit_writer");
            st.execute("CREATE ROLE " + AUDITOR + " LOGIN PASSWORD '" + PASSWORD + "' IN ROLE ehrflow_auditor");
            st.execute("CREATE ROLE " + DEID + " LOGIN PASSWORD '" + PASSWORD + "' IN ROLE ehrflow_deid_reader");
        }
    }

    /** The API's settings for this store, on an ephemeral port. */
    public static Map<String, String> env(LocalPostgres pg, Path jwks, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put("EHRFLOW_API_PORT", "0");
        env.put("EHRFLOW_API_OPS_PORT", "0");
        env.put("EHRFLOW_API_JDBC_URL", pg.jdbcUrl(DB));
        env.put("EHRFLOW_API_READER_USER", READER);
        env.put("EHRFLOW_API_READER_PASSWORD", PASSWORD);
        env.put("EHRFLOW_API_DEID_USER", DEID);
        env.put("EHRFLOW_API_DEID_PASSWORD", PASSWORD);
        env.put("EHRFLOW_API_MIGRATE_USER", pg.superuser());
        env.put("EHRFLOW_API_MIGRATE_PASSWORD", pg.superuserPassword().value());
        env.put("EHRFLOW_API_AUDITOR_USER", AUDITOR);
        env.put("EHRFLOW_API_AUDITOR_PASSWORD", PASSWORD);
        env.put("EHRFLOW_API_JWKS_FILE", jwks.toString());
        env.put("EHRFLOW_API_ISSUER", TestTokens.ISSUER);
        env.put("EHRFLOW_API_AUDIENCE", TestTokens.AUDIENCE);
        env.put("EHRFLOW_API_AUDIT_KEY", AUDIT_KEY);
        env.put("EHRFLOW_API_DEMO_PAGE", "true");
        env.putAll(overrides);
        return env;
    }

    public static Path writeJwks(TestTokens idp) throws Exception {
        Path f = Files.createTempFile("jwks", ".json");
        Files.writeString(f, idp.jwks());
        f.toFile().deleteOnExit();
        return f;
    }

    /** One chunk as the sink stores it: id {@code source#index}, raw and de-identified text, the model's vector. */
    public record ChunkRow(String patientKey, String sourceId, int index, String text, String deidText,
            String messageId, Instant eventTime) {
    }

    public static void insertChunks(Connection c, Embedder embedder, List<ChunkRow> rows) throws Exception {
        List<float[]> vectors = embedder.embed(rows.stream().map(ChunkRow::text).toList());
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO ehrflow.chunk (patient_key, chunk_id, source_id, resource_type, resource_version,
                    chunk_index, text, deidentified_text, token_count, content_hash, phi_present, source_type,
                    source_system, source_message_id, raw_topic, raw_partition, raw_offset, event_time, ingest_time,
                    model_name, embedding)
                VALUES (?, ?, ?, ?, '1', ?, ?, ?, 10, ?, true, 'HL7V2', 'HOSP', ?, 'ehr.raw.hl7v2.v1', 0, 1, ?,
                        now(), ?, ?::vector)""")) {
            for (int i = 0; i < rows.size(); i++) {
                ChunkRow r = rows.get(i);
                ps.setString(1, r.patientKey());
                ps.setString(2, r.sourceId() + "#" + r.index());
                ps.setString(3, r.sourceId());
                ps.setString(4, r.sourceId().substring(0, r.sourceId().indexOf('/')));
                ps.setInt(5, r.index());
                ps.setString(6, r.text());
                ps.setString(7, r.deidText());
                ps.setString(8, sha256(r.text()));
                ps.setString(9, r.messageId());
                ps.setObject(10, r.eventTime().atOffset(ZoneOffset.UTC));
                ps.setString(11, embedder.modelName());
                ps.setString(12, new PGvector(vectors.get(i)).toString());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ev = c.prepareStatement("""
                INSERT INTO ehrflow.source_event (patient_key, source_message_id, ingest_time)
                VALUES (?, ?, now()) ON CONFLICT DO NOTHING""")) {
            for (ChunkRow r : rows) {
                ev.setString(1, r.patientKey());
                ev.setString(2, r.messageId());
                ev.addBatch();
            }
            ev.executeBatch();
        }
    }

    public static void insertSourceRecord(Connection c, String patientKey, String ref, String version, String json,
            Instant eventTime) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO ehrflow.source_record (patient_key, resource_ref, resource_type, resource_id, version_id,
                    resource_json, source_type, source_system, source_message_id, raw_partition, raw_offset,
                    event_time, ingest_time)
                VALUES (?, ?, ?, ?, ?, ?::jsonb, 'HL7V2', 'HOSP', 'MSG', 0, 1, ?, now())
                ON CONFLICT (patient_key, resource_ref) DO UPDATE SET version_id = EXCLUDED.version_id,
                    resource_json = EXCLUDED.resource_json""")) {
            ps.setString(1, patientKey);
            ps.setString(2, ref);
            ps.setString(3, ref.substring(0, ref.indexOf('/')));
            ps.setString(4, ref.substring(ref.indexOf('/') + 1));
            ps.setString(5, version);
            ps.setString(6, json);
            ps.setObject(7, eventTime.atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes("UTF-8")));
    }
}
