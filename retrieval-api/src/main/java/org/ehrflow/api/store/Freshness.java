package org.ehrflow.api.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The optional freshness wait: {@code ehrflow.wait_for_source} blocks (server-side, 50 ms polls) until a chunk
 * set of the given source event is committed for the patient. Runs in the request's scoped transaction, before
 * the search statement, which under READ COMMITTED then sees the rows that made the wait return.
 */
public final class Freshness {

    private Freshness() {
    }

    /** True when the event is searchable, false when {@code timeout} passed first. */
    public static boolean waitFor(Connection c, String patientKey, String sourceMessageId, Duration timeout)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT ehrflow.wait_for_source(?, ?, make_interval(secs => ?))")) {
            ps.setString(1, patientKey);
            ps.setString(2, sourceMessageId);
            ps.setDouble(3, timeout.toMillis() / 1000.0);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
