package org.ehrflow.sink.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.sink.error.SinkFatalException;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Databases created at every earlier schema version (V1..V7, and V3 in both texts released before its last edit),
 * holding a chunk, migrated to head by the sink's own {@link Migrations#run}: the search finds the chunk, and
 * every function and column ends exactly as on a fresh database.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MigrationUpgradeIT {

    private static final String PATIENT = "urn:upgrade|P1";
    private static final String MODEL = "upgrade-model";
    private static LocalPostgres pg;
    private static Map<String, String> freshSchema;

    @BeforeAll
    static void start() throws Exception {
        pg = LocalPostgres.startTemporary();
        pg.requireVector();
        pg.createDatabase("fresh");
        Migrations.run(pg.jdbcUrl("fresh"), pg.superuser(), pg.superuserPassword());
        try (Connection c = pg.connect("fresh")) {
            freshSchema = schema(c);
            Map<String, Integer> recorded = new TreeMap<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT script, checksum FROM ehrflow.flyway_schema_history WHERE version IS NOT NULL")) {
                while (rs.next()) {
                    recorded.put(rs.getString(1), rs.getInt(2));
                }
            }
            assertThat(recorded).as("Flyway's recorded checksums are the committed list")
                    .isEqualTo(new TreeMap<>(ReleasedMigrationsTest.released()));
        }
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "2", "3", "3@7bb1fe1", "3@0ea127a", "4", "5", "6", "7"})
    void aDatabaseAtAnEarlierVersionUpgradesAndFindsItsChunk(String at) throws Exception {
        int version = Integer.parseInt(at.split("@")[0]);
        String db = "at_" + at.replace('@', '_');
        pg.createDatabase(db);
        migrateTo(db, version, at.contains("@") ? at.split("@")[1] : null);
        try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
            st.execute("INSERT INTO ehrflow.chunk (patient_key, chunk_id, source_id, resource_type, chunk_index, text, "
                    + "token_count, content_hash, phi_present, source_type, source_system, source_message_id, "
                    + "raw_partition, raw_offset, ingest_time, model_name, embedding) VALUES ('" + PATIENT + "', "
                    + "'DocumentReference/u-1#0', 'DocumentReference/u-1', 'DocumentReference', 0, "
                    + "'Upgrade note: metformin continued.', 6, 'h-1', false, 'HL7V2', 'LAB', 'MSG-U1', 0, 0, now(), '"
                    + MODEL + "', array_fill(0.05, ARRAY[384])::vector)");
            if (version >= 3) { // from V3 on the registry names the serving model (a sink claims it on start)
                st.execute("INSERT INTO ehrflow.embedding_model (role, model_name, dimensions) VALUES ('serving', '"
                        + MODEL + "', 384) ON CONFLICT DO NOTHING");
            }
        }

        Migrations.run(pg.jdbcUrl(db), pg.superuser(), pg.superuserPassword());

        try (Connection c = pg.connect(db)) {
            String q = "array_fill(0.05, ARRAY[384])::vector";
            assertThat(ids(c, "SELECT chunk_id FROM ehrflow.search_chunks(?, " + q + ", 5, '" + MODEL + "')"))
                    .containsExactly("DocumentReference/u-1#0");
            assertThat(ids(c, "SELECT chunk_id FROM ehrflow.search_chunks(?, " + q + "::vector(384), 5)"))
                    .containsExactly("DocumentReference/u-1#0");
            assertThat(ids(c, "SELECT chunk_id FROM ehrflow.search_chunks(?, " + q + ", 'metformin', 5, '" + MODEL
                    + "')")).containsExactly("DocumentReference/u-1#0");
            assertThat(ids(c, "SELECT chunk_id FROM ehrflow.search_chunks_deid(?, " + q + ", 5, '" + MODEL + "')"))
                    .containsExactly("DocumentReference/u-1#0");
            assertThat(schema(c)).as("functions and columns as on a fresh database").isEqualTo(freshSchema);
        }
    }

    @Test
    void anEditOfAReleasedMigrationOtherThanTheKnownOnesStillFailsValidation() throws Exception {
        pg.createDatabase("tampered");
        migrateTo("tampered", 3, null);
        try (Connection c = pg.connect("tampered"); Statement st = c.createStatement()) {
            st.execute("UPDATE ehrflow.flyway_schema_history SET checksum = 42 WHERE version = '3'");
        }
        assertThatThrownBy(() -> Migrations.run(pg.jdbcUrl("tampered"), pg.superuser(), pg.superuserPassword()))
                .isInstanceOf(SinkFatalException.class);
    }

    /** Migrates {@code db} with the released files up to {@code version} only (V3 from {@code v3Commit} if set). */
    private static void migrateTo(String db, int version, String v3Commit) throws Exception {
        Path dir = Files.createTempDirectory("ehrflow-migrations-");
        try {
            try (Stream<Path> files = Files.list(ReleasedMigrationsTest.folder())) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    boolean upTo = name.matches("V\\d+__.*")
                            && Integer.parseInt(name.substring(1, name.indexOf("__"))) <= version;
                    if (upTo) {
                        Files.copy(f, dir.resolve(name));
                    }
                }
            }
            if (v3Commit != null) {
                Path old = ReleasedMigrationsTest.superseded(v3Commit).resolve("V3__embedding_models.sql");
                Files.copy(old, dir.resolve("V3__embedding_models.sql"), StandardCopyOption.REPLACE_EXISTING);
            }
            Flyway.configure().dataSource(pg.jdbcUrl(db), pg.superuser(), pg.superuserPassword().value())
                    .schemas(Migrations.SCHEMA).createSchemas(true).locations("filesystem:" + dir).load().migrate();
        } finally {
            delete(dir);
        }
    }

    private static List<String> ids(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, PATIENT);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                return out;
            }
        }
    }

    /** Every function of schema ehrflow with its definition and volatility, and every column with its type. */
    private static Map<String, String> schema(Connection c) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT p.oid::regprocedure::text, p.provolatile::text || "
                    + "pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                    + "WHERE n.nspname = 'ehrflow'")) {
                while (rs.next()) {
                    out.put("function " + rs.getString(1), rs.getString(2));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT table_name || '.' || column_name, data_type || ' '"
                    + " || is_nullable || ' ' || coalesce(column_default, '') || ' ' || ordinal_position "
                    + "FROM information_schema.columns WHERE table_schema = 'ehrflow'")) {
                while (rs.next()) {
                    out.put("column " + rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
