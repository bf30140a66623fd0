package org.ehrflow.ops.slot;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Properties;

/**
 * Reads the CDC slot's lag from the EHR database. PostgreSQL gives the lag in bytes only; the lag in seconds
 * comes from remembering when the server's WAL position passed each point: the age of the first sample whose
 * WAL position lies beyond the slot's confirmed position is how long the oldest unconfirmed change has waited.
 */
public final class SlotLagReader {

    /** Samples kept: at a 5 s interval, a day of a stuck slot before the oldest sample is dropped. */
    private static final int MAX_SAMPLES = 20_000;

    private static final String SLOT_SQL = "SELECT active, pg_current_wal_lsn() - '0/0'::pg_lsn,"
            + " confirmed_flush_lsn - '0/0'::pg_lsn FROM pg_replication_slots WHERE slot_name = ?";

    private final String jdbcUrl;
    private final Properties props = new Properties();
    private final String slot;
    private final Clock clock;
    /** (millis, WAL position as a number) in time order. */
    private final Deque<long[]> samples = new ArrayDeque<>();

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
            try (PreparedStatement ps = c.prepareStatement(SLOT_SQL)) {
                ps.setString(1, slot);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return new SlotLag(slot, false, false, 0, 0, heartbeat);
                    }
                    boolean active = rs.getBoolean(1);
                    long wal = rs.getBigDecimal(2).longValue();
                    // A slot that never confirmed anything has a NULL confirmed_flush_lsn: treat as position 0.
                    long confirmed = rs.getBigDecimal(3) == null ? 0 : rs.getBigDecimal(3).longValue();
                    return new SlotLag(slot, true, active, Math.max(0, wal - confirmed),
                            lagSeconds(clock.millis(), wal, confirmed), heartbeat);
                }
            }
        }
    }

    /** Records the sample and returns the age of the oldest WAL position past {@code confirmed}. */
    double lagSeconds(long now, long wal, long confirmed) {
        samples.addLast(new long[] {now, wal});
        while (samples.size() > MAX_SAMPLES) {
            samples.removeFirst();
        }
        // Samples at or below the confirmed position can never matter again, except the last one of them.
        while (samples.size() > 1 && samples.peekFirst()[1] <= confirmed) {
            samples.removeFirst();
        }
        long[] first = samples.peekFirst();
        if (first[1] <= confirmed) {
            return 0.0;
        }
        return (now - first[0]) / 1000.0;
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
