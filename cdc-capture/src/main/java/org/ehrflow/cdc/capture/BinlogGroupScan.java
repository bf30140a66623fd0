package org.ehrflow.cdc.capture;

import java.util.OptionalLong;

/**
 * Follows MariaDB's binlog event groups (as {@code SHOW BINLOG EVENTS} lists them) up to a resume position, to tell
 * whether that position lies inside a transaction and where the transaction began. Every MariaDB event group opens
 * with a {@code Gtid} event: "BEGIN GTID d-s-n" (or "XA START ...") opens a transaction, which an {@code Xid}, an
 * {@code XA_prepare} or a {@code COMMIT}/{@code ROLLBACK} query (non-transactional tables) closes; a standalone
 * "GTID d-s-n" (DDL) is a single statement Debezium handles whole. Queries inside a transaction (SAVEPOINT,
 * ROLLBACK TO) do not close it. Pure: {@link BinlogResume} feeds it.
 */
final class BinlogGroupScan {

    /** One row of {@code SHOW BINLOG EVENTS}: where the event starts, its type and its info text. */
    record Event(long pos, String type, String info) {
    }

    private final long target;
    private boolean known;
    private long openGroup = -1;
    private boolean reached;

    /**
     * @param target          the stored resume position (an event start)
     * @param startsAtBoundary whether the first event fed is outside every group (the file's first event); when not,
     *                        nothing is known until the first group boundary passes
     */
    BinlogGroupScan(long target, boolean startsAtBoundary) {
        this.target = target;
        this.known = startsAtBoundary;
    }

    /** Feeds the next event in file order; returns false once the target is reached (the rest is not needed). */
    boolean accept(Event e) {
        if (reached || e.pos() >= target) {
            reached = true;
            return false;
        }
        String info = e.info() == null ? "" : e.info().trim();
        if ("Gtid".equalsIgnoreCase(e.type())) {
            known = true;
            openGroup = info.startsWith("BEGIN GTID") || info.startsWith("XA START") ? e.pos() : -1;
        } else if (closes(e.type(), info)) {
            known = true;
            openGroup = -1;
        }
        return true;
    }

    /**
     * Where to resume: the target itself when it lies between groups, the start of the transaction around it
     * otherwise; empty when the scan began inside a group that may still be open at the target.
     */
    OptionalLong resumeAt() {
        if (!known) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(openGroup >= 0 ? openGroup : target);
    }

    private static boolean closes(String type, String info) {
        if ("Xid".equalsIgnoreCase(type) || "XA_prepare".equalsIgnoreCase(type)) {
            return true;
        }
        return "Query".equalsIgnoreCase(type) && ("COMMIT".equalsIgnoreCase(info) || "ROLLBACK".equalsIgnoreCase(info));
    }
}
