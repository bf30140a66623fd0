package org.ehrflow.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ehrflow.runtime.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LocalMariaDbIT {

    @Test
    void temporaryServerHasTheBinlogCaptureNeedsAndIsRemovedOnClose() throws Exception {
        Path dir;
        String captureUrl;
        Secret capturePassword = new Secret("capture-pw-1");
        try (LocalMariaDb db = LocalMariaDb.startTemporary()) {
            dir = db.directory();
            assertThat(db.host()).isEqualTo("127.0.0.1");
            assertThat(db.superuserPassword().toString()).isEqualTo("******");
            try (Connection c = db.connect("mysql"); Statement st = c.createStatement()) {
                Map<String, String> vars = new HashMap<>();
                try (ResultSet rs = st.executeQuery("SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin', "
                        + "'binlog_format', 'binlog_row_image', 'server_id', 'gtid_strict_mode', 'bind_address')")) {
                    while (rs.next()) {
                        vars.put(rs.getString(1), rs.getString(2));
                    }
                }
                assertThat(vars).containsEntry("log_bin", "ON").containsEntry("binlog_format", "ROW")
                        .containsEntry("binlog_row_image", "FULL").containsEntry("gtid_strict_mode", "ON")
                        .containsEntry("server_id", Long.toString(db.serverId()))
                        .containsEntry("bind_address", "127.0.0.1");
                // root has no password-less way in over TCP
                assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl("mysql"), "root", "")
                        .close()).isInstanceOf(SQLException.class);
            }
            db.createDatabase("clinic");
            db.execute("CREATE TABLE clinic.t (id int PRIMARY KEY)");
            db.createCaptureUser("ehrflow_cdc", capturePassword, "clinic");
            captureUrl = db.jdbcUrl("clinic");
            try (Connection c = DriverManager.getConnection(captureUrl, "ehrflow_cdc", capturePassword.value());
                    Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString("File")).startsWith("binlog.");
                }
                st.executeQuery("SELECT * FROM clinic.t").close();
                // SELECT on its database only: no writes, no other databases
                assertThatThrownBy(() -> st.execute("INSERT INTO clinic.t VALUES (1)"))
                        .isInstanceOf(SQLException.class);
                assertThatThrownBy(() -> st.executeQuery("SELECT * FROM mysql.user"))
                        .isInstanceOf(SQLException.class);
            }
        }
        assertThat(Files.exists(dir)).isFalse();
        assertThatThrownBy(() -> DriverManager.getConnection(captureUrl + "&connectTimeout=2000", "ehrflow_cdc",
                capturePassword.value()).close()).isInstanceOf(SQLException.class);
    }
}
