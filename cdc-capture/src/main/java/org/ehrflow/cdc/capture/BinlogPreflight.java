package org.ehrflow.cdc.capture;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ehrflow.cdc.CdcConfig;
import org.ehrflow.runtime.ConfigException;

/**
 * Start-up checks of a MariaDB source as the capture user sees it: the binary log is on, row-based with full row
 * images (a delete must carry the whole old row, as REPLICA IDENTITY FULL gives on PostgreSQL), and the user may
 * read it. Every problem is named at once instead of surfacing later as a Debezium retry loop.
 */
public final class BinlogPreflight {

    private static final Map<String, String> REQUIRED = Map.of("log_bin", "ON", "binlog_format", "ROW",
            "binlog_row_image", "FULL");
    private static final String VARIABLES = "SHOW GLOBAL VARIABLES WHERE Variable_name IN "
            + "('log_bin', 'binlog_format', 'binlog_row_image', 'server_id')";

    private BinlogPreflight() {
    }

    /** Throws {@link ConfigException} naming every setting or grant that cannot work. */
    public static void check(CdcConfig c) {
        List<String> problems = new ArrayList<>();
        try (Connection conn = SourceDb.connect(c); Statement st = conn.createStatement()) {
            Map<String, String> vars = new HashMap<>();
            try (ResultSet rs = st.executeQuery(VARIABLES)) {
                while (rs.next()) {
                    vars.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getString(2).toUpperCase(Locale.ROOT));
                }
            }
            REQUIRED.forEach((name, value) -> {
                if (!value.equals(vars.get(name))) {
                    problems.add("the MariaDB server needs " + name + "=" + value + " (is " + vars.get(name) + ")");
                }
            });
            if (String.valueOf(c.serverId()).equals(vars.get("server_id"))) {
                problems.add(CdcConfig.ENV_PREFIX + "SERVER_ID must differ from the server's own server_id");
            }
            String grants = grants(st);
            for (String privilege : List.of("REPLICATION SLAVE", "RELOAD")) {
                if (!grants.contains(privilege) && !grants.contains("ALL PRIVILEGES")) {
                    problems.add(CdcConfig.ENV_PREFIX + "DB_USER: " + c.dbUser() + " lacks " + privilege);
                }
            }
            if (!grants.contains("REPLICATION CLIENT") && !grants.contains("BINLOG MONITOR")
                    && !grants.contains("ALL PRIVILEGES")) {
                problems.add(CdcConfig.ENV_PREFIX + "DB_USER: " + c.dbUser() + " lacks REPLICATION CLIENT");
            }
        } catch (SQLException e) {
            // SQLSTATE and class only: server messages can quote values.
            problems.add("cannot check the MariaDB server at " + c.dbHost() + ":" + c.dbPort() + "/" + c.database()
                    + " as " + c.dbUser() + " (SQLSTATE " + e.getSQLState() + ", " + e.getClass().getSimpleName()
                    + "); check " + CdcConfig.ENV_PREFIX + "DB_HOST/DB_PORT/DB_NAME/DB_USER/DB_PASSWORD/DB_SSLMODE");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** The current user's grants, upper case, one string (MariaDB 10.5+ names REPLICATION CLIENT BINLOG MONITOR). */
    private static String grants(Statement st) throws SQLException {
        StringBuilder b = new StringBuilder();
        try (ResultSet rs = st.executeQuery("SHOW GRANTS FOR CURRENT_USER()")) {
            while (rs.next()) {
                b.append(rs.getString(1).toUpperCase(Locale.ROOT)).append('\n');
            }
        }
        return b.toString();
    }
}
