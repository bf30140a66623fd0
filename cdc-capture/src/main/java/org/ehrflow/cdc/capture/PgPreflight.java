package org.ehrflow.cdc.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.ehrflow.cdc.CdcConfig;
import org.ehrflow.runtime.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up checks of the EHR database as the capture role sees it, so a wrong setting fails once with a message
 * that names it instead of surfacing later as a Debezium retry loop.
 */
public final class PgPreflight {

    private static final Logger LOG = LoggerFactory.getLogger(PgPreflight.class);

    private static final String ROLE_AND_SERVER = """
            SELECT r.rolsuper, r.rolreplication, current_setting('wal_level') AS wal_level,
                   EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = ?) AS publication_exists,
                   (SELECT pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), s.confirmed_flush_lsn)
                      FROM pg_catalog.pg_replication_slots s WHERE s.slot_name = ?) AS slot_lag_bytes
              FROM pg_catalog.pg_roles r WHERE r.rolname = current_user""";

    private PgPreflight() {
    }

    /** Throws {@link ConfigException} naming every setting that cannot work; logs the slot's lag if it exists. */
    public static void check(CdcConfig c) {
        List<String> problems = new ArrayList<>();
        try (Connection conn = SourceDb.connect(c);
                PreparedStatement st = conn.prepareStatement(ROLE_AND_SERVER)) {
            st.setString(1, c.publication());
            st.setString(2, c.slotName());
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                if (rs.getBoolean("rolsuper")) {
                    LOG.warn("{}={} is a superuser: capture needs only LOGIN REPLICATION and SELECT",
                            CdcConfig.ENV_PREFIX + "DB_USER", c.dbUser());
                }
                if (!rs.getBoolean("rolreplication") && !rs.getBoolean("rolsuper")) {
                    problems.add(CdcConfig.ENV_PREFIX + "DB_USER: role " + c.dbUser() + " lacks REPLICATION");
                }
                if (!"logical".equals(rs.getString("wal_level"))) {
                    problems.add("the EHR database server needs wal_level=logical (is " + rs.getString("wal_level")
                            + ")");
                }
                if (!rs.getBoolean("publication_exists")) {
                    problems.add(CdcConfig.ENV_PREFIX + "PUBLICATION: publication " + c.publication()
                            + " does not exist (run the EHR schema migration)");
                }
                long lag = rs.getLong("slot_lag_bytes");
                LOG.info("replication slot {}: {}", c.slotName(),
                        rs.wasNull() ? "absent, will be created with an initial snapshot" : lag + " bytes behind");
            }
        } catch (SQLException e) {
            // SQLSTATE and class only: server messages can quote values.
            problems.add("cannot check the EHR database at " + c.dbHost() + ":" + c.dbPort() + "/" + c.database()
                    + " as " + c.dbUser() + " (SQLSTATE " + e.getSQLState() + ", " + e.getClass().getSimpleName()
                    + "); check " + CdcConfig.ENV_PREFIX + "DB_HOST/DB_PORT/DB_NAME/DB_USER/DB_PASSWORD/DB_SSLMODE");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }
}
