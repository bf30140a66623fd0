package org.ehrflow.cdc.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ehrflow.cdc.CdcConfig;
import org.ehrflow.cdcmap.CdcMapping;
import org.ehrflow.cdcmap.Problem;
import org.ehrflow.cdcmap.SchemaCheck;
import org.ehrflow.runtime.ConfigException;

/**
 * The EHR database's live schema, read from its catalog as the capture role sees it, and the start-up check of
 * the mapping file against it: a wrong mapping fails here with every problem named (file and line), before any
 * change is captured.
 */
public final class LiveSchema {

    private static final String COLUMNS = """
            SELECT table_name, column_name, data_type FROM information_schema.columns
             WHERE table_schema = ? ORDER BY table_name, ordinal_position""";
    /**
     * MariaDB: the schema is the database; BOOLEAN is stored as tinyint(1), which the capture converts to a JSON
     * boolean (EngineProperties), so the catalog's column_type tells a boolean from a small integer. MariaDB's
     * TIMESTAMP is an instant (stored in UTC, sent by Debezium as ISO text with Z, as PostgreSQL's timestamptz is),
     * not a local time (that is DATETIME): it is named as PostgreSQL names timestamptz, so one mapping file's
     * {@code timestamptz} columns fit both engines.
     */
    private static final String MARIADB_COLUMNS = """
            SELECT table_name, column_name,
                   CASE WHEN column_type LIKE 'tinyint(1)%' THEN 'boolean'
                        WHEN data_type = 'timestamp' THEN 'timestamp with time zone' ELSE data_type END
              FROM information_schema.columns
             WHERE table_schema = ? ORDER BY table_name, ordinal_position""";

    private LiveSchema() {
    }

    /** Throws {@link ConfigException} listing every problem of the mapping against the live schema. */
    public static void check(CdcConfig c, CdcMapping mapping) {
        List<Problem> problems;
        try (Connection conn = SourceDb.connect(c)) {
            problems = SchemaCheck.check(mapping, read(conn, c.engine(), mapping.schema()));
        } catch (SQLException e) {
            throw new ConfigException(List.of("cannot read the EHR database's catalog (SQLSTATE " + e.getSQLState()
                    + ", " + e.getClass().getSimpleName() + ")"));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.stream().map(p -> CdcConfig.ENV_PREFIX + "MAPPING_FILE " + p).toList());
        }
    }

    /** table -> column -> catalog type of one schema (PostgreSQL) or database (MariaDB). */
    public static Map<String, Map<String, String>> read(Connection conn, CdcConfig.Engine engine, String schema)
            throws SQLException {
        Map<String, Map<String, String>> live = new HashMap<>();
        try (PreparedStatement st = conn.prepareStatement(engine == CdcConfig.Engine.MARIADB ? MARIADB_COLUMNS
                : COLUMNS)) {
            st.setString(1, schema);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    live.computeIfAbsent(rs.getString(1), t -> new HashMap<>()).put(rs.getString(2), rs.getString(3));
                }
            }
        }
        return live;
    }
}
