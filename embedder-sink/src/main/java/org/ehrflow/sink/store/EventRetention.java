package org.ehrflow.sink.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Keeps {@code ehrflow.source_event} bounded: deletes events indexed longer ago than the retention, oldest
 * first, at most {@code maxRows} per step so a step is a short transaction that never holds the sink up for long.
 * A caller that waits for an event older than the retention ({@code wait_for_source}) times out instead of
 * finding it: keep the retention longer than any caller's wait.
 */
public final class EventRetention {

    private static final String PRUNE = """
            DELETE FROM ehrflow.source_event e
            WHERE (e.patient_key, e.source_message_id) IN (
                SELECT patient_key, source_message_id FROM ehrflow.source_event
                WHERE indexed_at < clock_timestamp() - ?::interval
                ORDER BY indexed_at
                LIMIT ?)""";

    private final Duration retention;
    private final int maxRows;

    public EventRetention(Duration retention, int maxRows) {
        if (retention.isNegative() || maxRows < 1) {
            throw new IllegalArgumentException("retention must not be negative and maxRows must be positive");
        }
        this.retention = retention;
        this.maxRows = maxRows;
    }

    /** False when retention is zero: events are kept forever. */
    public boolean enabled() {
        return !retention.isZero();
    }

    /** Deletes up to {@code maxRows} expired events in the caller's transaction; returns how many went. */
    public int prune(Connection c) throws SQLException {
        if (!enabled()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement(PRUNE)) {
            ps.setString(1, retention.toSeconds() + " seconds");
            ps.setInt(2, maxRows);
            return ps.executeUpdate();
        }
    }

    public int maxRows() {
        return maxRows;
    }
}
