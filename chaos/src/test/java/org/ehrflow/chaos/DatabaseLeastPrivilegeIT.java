package org.ehrflow.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.ehrflow.ehrsim.EhrSchema;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.ops.deploy.DatabaseRoles;
import org.ehrflow.runtime.Secret;
import org.ehrflow.sink.store.Migrations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PostgreSQL as deployed: TLS required on every TCP connection (verified against the server's certificate), one
 * least-privileged role per stage ({@link DatabaseRoles}). The sink runs its own migrations and writes, but cannot
 * reach the EHR database; the capture role cannot reach the vector store; a reader login reads and cannot write;
 * a plain TCP connection is refused.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DatabaseLeastPrivilegeIT {

    private static final String RAG = "rag";
    private static final String EHR = "ehr";
    private static final String READER = "rag_reader_it";

    @Test
    void eachStageGetsOnlyItsOwnDatabaseAndOnlyOverTls() throws Exception {
        Secret sinkPw = new Secret(UUID.randomUUID().toString());
        Secret apiPw = new Secret(UUID.randomUUID().toString());
        Secret cdcPw = new Secret(UUID.randomUUID().toString());
        try (LocalPostgres pg = LocalPostgres.startTemporary()) {
            Path rootCert = pg.requireTls();
            String tls = "?sslmode=verify-full&sslrootcert=" + rootCert;
            pg.createDatabase(EHR);
            pg.createDatabase(RAG);
            EhrSchema.migrate(pg.jdbcUrl(EHR) + tls, pg.superuser(), pg.superuserPassword(), cdcPw);
            try (Connection admin = pg.connect("postgres")) {
                DatabaseRoles.apply(admin, RAG, EHR, sinkPw);
                DatabaseRoles.grantCapture(admin, EHR);
                try (Statement st = admin.createStatement()) {
                    // a retrieval login as the API's init job makes one: a member of the reader role, let in by name
                    st.execute("CREATE ROLE " + READER + " LOGIN PASSWORD '" + apiPw.value()
                            + "' IN ROLE ehrflow_reader");
                    st.execute("GRANT CONNECT ON DATABASE " + RAG + " TO " + READER);
                }
            }
            try (Connection admin = pg.connect(RAG)) {
                DatabaseRoles.prepareVectorDatabase(admin);
            }

            // The sink migrates and writes its own database as itself, over verified TLS.
            Migrations.run(pg.jdbcUrl(RAG) + tls, DatabaseRoles.SINK, sinkPw);
            try (Connection sink = connect(pg.jdbcUrl(RAG) + tls, DatabaseRoles.SINK, sinkPw);
                    Statement st = sink.createStatement()) {
                assertThat(one(st, "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).isEqualTo("true");
                st.executeUpdate("INSERT INTO ehrflow.sink_offset (consumer_group, topic, partition, next_offset, "
                        + "updated_at) VALUES ('embedder-sink', 't', 0, 1, now())");
                assertThat(one(st, "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user"))
                        .isEqualTo("false");
            }
            assertRefused(pg.jdbcUrl(EHR) + tls, DatabaseRoles.SINK, sinkPw, "42501"); // no CONNECT on the EHR
            assertRefused(pg.jdbcUrl(RAG) + tls, "ehrflow_cdc", cdcPw, "42501"); // capture: EHR only
            try (Connection cdc = connect(pg.jdbcUrl(EHR) + tls, "ehrflow_cdc", cdcPw)) {
                assertThat(cdc.isValid(5)).isTrue();
            }

            // The retrieval role reads (row-level security decides what) and cannot write.
            try (Connection api = connect(pg.jdbcUrl(RAG) + tls, READER, apiPw);
                    Statement st = api.createStatement()) {
                assertThat(one(st, "SELECT count(*)::text FROM ehrflow.chunk")).isEqualTo("0");
                assertThatThrownBy(() -> st.executeUpdate("DELETE FROM ehrflow.sink_offset"))
                        .isInstanceOfSatisfying(SQLException.class, e
                                -> assertThat(e.getSQLState()).isEqualTo("42501"));
            }

            // Plain TCP is refused by pg_hba.conf, whoever asks.
            assertRefused(pg.jdbcUrl(RAG) + "?sslmode=disable", DatabaseRoles.SINK, sinkPw, "28000");
        }
    }

    private static Connection connect(String url, String user, Secret password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password.value());
        p.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(url, p);
    }

    private static void assertRefused(String url, String user, Secret password, String sqlState) {
        assertThatThrownBy(() -> connect(url, user, password).close()).as("%s on %s", user, url)
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(sqlState));
    }

    private static String one(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
