package org.ehrflow.ops.slot;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.Properties;
import org.ehrflow.runtime.slot.SlotLag.Position;

/**
 * Reads the CDC slot's lag from the EHR database from outside the capture (so it keeps reporting while the capture
 * is down), with runtime's {@link org.ehrflow.runtime.slot.SlotLag}: the one implementation of the slot query and
 * of the lag in seconds, which cdc-capture's own gauges use too. Adds the age of the capture's heartbeat write.
 */
public final class SlotLagReader {

    private final String jdbcUrl;
    private final Properties props = new Properties();
    private final String slot;
    private final Clock clock;
    private final org.ehrflow.runtime.slot.SlotLag lag = new org.ehrflow.runtime.slot.SlotLag();

    public SlotLagReader(String jdbcUrl, String user, String password, String slot, Clock clock) {
        this.jdbcUrl = jdbcUrl;
        props.setProperty("user", user);
        props.setProperty("password", password);
        this.slot = slot;
        this.clock = clock;
    }

    /** One measurement; call it at a steady interval, as the lag in seconds is built from these samples. */
    public synchronized SlotLag read() throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, props)) {
            double heartbeat = heartbeatAge(c);
            Optional<Position> p = org.ehrflow.runtime.slot.SlotLag.read(c, slot);
            if (p.isEmpty()) {
                return new SlotLag(slot, false, false, 0, 0, heartbeat);
            }
            lag.observe(clock.millis(), p.get().walLsn(), p.get().confirmedLsn());
            return new SlotLag(slot, true, p.get().active(), lag.bytes(), lag.seconds(), heartbeat);
        }
    }

    private static double heartbeatAge(Connection c) {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT extract(epoch FROM clock_timestamp() - max(ts)) FROM ehr.cdc_heartbeat");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getObject(1) != null ? rs.getDouble(1) : -1;
        } catch (SQLException e) {
            // No heartbeat table (cdc-capture's migrations not run here) or no right to read it.
            return -1;
        }
    }
}
