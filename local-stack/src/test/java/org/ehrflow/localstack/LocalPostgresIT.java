package org.ehrflow.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LocalPostgresIT {

    @Test
    void temporaryClusterHasPgvectorAndLogicalWalAndIsRemovedOnClose() throws Exception {
        Path dataDir;
        try (LocalPostgres pg = LocalPostgres.startTemporary()) {
            dataDir = pg.dataDir();
            assertThat(pg.host()).isEqualTo("127.0.0.1");
            assertThat(pg.jdbcUrl("ehr")).isEqualTo("jdbc:postgresql://127.0.0.1:" + pg.port() + "/ehr");
            assertThat(pg.superuserPassword().toString()).isEqualTo("******");

            pg.createDatabase("rag");
            pg.createDatabase("rag"); // idempotent
            try (Connection c = pg.connect("rag"); Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SHOW wal_level")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("logical");
                }
                st.execute("CREATE EXTENSION vector");
                st.execute("CREATE TABLE items (id int PRIMARY KEY, embedding vector(3))");
                st.execute("INSERT INTO items VALUES (1, '[1,0,0]'), (2, '[0,1,0]'), (3, '[0.9,0.1,0]')");
                // nearest neighbour of [1,0,0] by cosine distance: itself, then the almost-parallel vector
                try (ResultSet rs = st.executeQuery(
                        "SELECT id FROM items ORDER BY embedding <=> '[1,0,0]' LIMIT 2")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(3);
                }
            }
        }
        assertThat(Files.exists(dataDir)).as("temporary cluster deleted on close").isFalse();
    }

    @Test
    void persistentClusterKeepsDataAcrossRestarts(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("pgdata");
        try (LocalPostgres pg = LocalPostgres.start(dir); Connection c = pg.connect("postgres");
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE kept (v text)");
            st.execute("INSERT INTO kept VALUES ('still here')");
        }
        assertThat(dir.resolve("PG_VERSION")).exists();
        try (LocalPostgres pg = LocalPostgres.start(dir); Connection c = pg.connect("postgres");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT v FROM kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("still here");
        }
    }

    @Test
    void clusterOfADeadJvmIsStoppedAndRemovedByTheNextStart() throws Exception {
        long deadPid = deadProcessPid();
        try (LocalPostgres orphan = LocalPostgres.startTemporary()) {
            Path root = orphan.dataDir().getParent();
            // pretend the JVM that started it was killed before close()
            Files.writeString(root.resolve(TempOwnership.OWNER_FILE), Long.toString(deadPid));
            try (LocalPostgres next = LocalPostgres.startTemporary()) {
                assertThat(root).doesNotExist();
                assertThat(next.dataDir()).exists();
            }
        }
    }

    private static long deadProcessPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
