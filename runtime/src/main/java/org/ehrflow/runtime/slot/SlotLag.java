package org.ehrflow.runtime.slot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * The one implementation of a logical replication slot's lag, used by cdc-capture (its own gauges) and by ops
 * (the external watch that keeps reporting while the capture is down). PostgreSQL gives the lag in bytes only;
 * the lag in seconds comes from remembering when the server's WAL position passed each point: the age of the first
 * sample whose WAL position lies beyond the slot's confirmed position is how long the oldest unconfirmed change has
 * waited (a lower bound, at the resolution of the sampling interval). Samples are fed by one caller at a steady
 * interval; thread-safe.
 */
public final class SlotLag {

    /** Samples kept: at a 5 s interval, a day of a stuck slot before the oldest sample is dropped. */
    private static final int MAX_SAMPLES = 20_000;

    // Catalog names qualified: the capture role's search_path on the EHR database is not ours to trust.
    private static final String SLOT_SQL = "SELECT s.active, pg_catalog.pg_current_wal_lsn() - '0/0'::pg_lsn,"
            + " s.confirmed_flush_lsn - '0/0'::pg_lsn FROM pg_catalog.pg_replication_slots s WHERE s.slot_name = ?";

    /**
     * One reading of the slot.
     *
     * @param active       whether a client (the capture) streams from it
     * @param walLsn       the server's current WAL position, as a number
     * @param confirmedLsn the slot's {@code confirmed_flush_lsn} (0 when it never confirmed anything)
     */
    public record Position(boolean active, long walLsn, long confirmedLsn) {
    }

    /** (millis, WAL position) in time order. */
    private final Deque<long[]> samples = new ArrayDeque<>();
    private long bytes;
    private double seconds;

    /** The slot's position now; empty when no slot of that name exists. */
    public static Optional<Position> read(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SLOT_SQL)) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long wal = rs.getBigDecimal(2).longValue();
                // A slot that never confirmed anything has a NULL confirmed_flush_lsn: position 0.
                long confirmed = rs.getBigDecimal(3) == null ? 0 : rs.getBigDecimal(3).longValue();
                return Optional.of(new Position(rs.getBoolean(1), wal, confirmed));
            }
        }
    }

    /** Records one sample taken at {@code nowMillis}; afterwards {@link #bytes()} and {@link #seconds()} hold. */
    public synchronized void observe(long nowMillis, long walLsn, long confirmedLsn) {
        samples.addLast(new long[] {nowMillis, walLsn});
        while (samples.size() > MAX_SAMPLES) {
            samples.removeFirst();
        }
        // Samples at or below the confirmed position can never matter again, except the last one of them.
        while (samples.size() > 1 && samples.peekFirst()[1] <= confirmedLsn) {
            samples.removeFirst();
        }
        bytes = Math.max(0, walLsn - confirmedLsn);
        long[] first = samples.peekFirst();
        seconds = first[1] <= confirmedLsn ? 0.0 : (nowMillis - first[0]) / 1000.0;
    }

    /** WAL the slot still holds: current position - confirmed position. */
    public synchronized long bytes() {
        return bytes;
    }

    /** How long ago the WAL first stood past the confirmed position. */
    public synchronized double seconds() {
        return seconds;
    }
}
