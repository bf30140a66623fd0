package org.ehrflow.cdc.capture;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds where a restarted MariaDB capture must resume so that no row is skipped: the stored binlog position, or,
 * when that position lies inside a transaction, the transaction's first event (its Gtid event), read from the
 * server's own event list ({@code SHOW BINLOG EVENTS}, which the capture user's REPLICATION CLIENT allows). The
 * transaction's rows are then emitted again, with the same binlog coordinates and so the same message ids.
 * A scan first starts at the hint (an earlier stored position), and from the file's first event when the hint
 * itself lies inside that transaction. Any failure is thrown: starting at an unchecked position could lose rows.
 */
final class BinlogResume {

    private static final Logger LOG = LoggerFactory.getLogger(BinlogResume.class);
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9._-]{1,255}");
    /** Where every binlog file's first event (the format description) starts. */
    static final long FIRST_EVENT = 4;
    private static final int PAGE = 10_000;

    private final String jdbcUrl;
    private final Properties credentials;

    BinlogResume(String jdbcUrl, String user, String password) {
        this.jdbcUrl = jdbcUrl;
        this.credentials = new Properties();
        credentials.setProperty("user", user);
        credentials.setProperty("password", password);
        credentials.setProperty("connectTimeout", "10000");
        // one page of the event list, never a stuck start: a hung read fails (and the engine retries)
        credentials.setProperty("socketTimeout", "60000");
    }

    /** The position to resume at in {@code file}: {@code pos} or the start of the transaction around it. */
    long resumeAt(String file, long pos, long hint) {
        if (!FILE.matcher(file).matches()) {
            throw new CaptureFailedException("stored binlog file name is not a binlog file name");
        }
        long started = System.nanoTime();
        try (Connection c = DriverManager.getConnection(jdbcUrl, credentials); Statement st = c.createStatement()) {
            OptionalLong at = OptionalLong.empty();
            if (hint > FIRST_EVENT && hint < pos) {
                at = scan(st, file, pos, hint, false);
            }
            if (at.isEmpty()) {
                at = scan(st, file, pos, FIRST_EVENT, true);
            }
            long resume = at.orElseThrow();
            LOG.info("binlog resume: stored {}/{}, resuming at {} ({} bytes earlier, {} ms)", file, pos, resume,
                    pos - resume, (System.nanoTime() - started) / 1_000_000);
            return resume;
        } catch (SQLException e) {
            // SQLSTATE and class only; the capture must not start at a position that may skip rows.
            throw new CaptureFailedException("cannot read the binlog's event list to find the restart position "
                    + "(SQLSTATE " + e.getSQLState() + ", " + e.getClass().getSimpleName() + ")");
        }
    }

    private static OptionalLong scan(Statement st, String file, long target, long from, boolean atBoundary)
            throws SQLException {
        BinlogGroupScan scan = new BinlogGroupScan(target, atBoundary);
        long next = from;
        while (true) {
            int rows = 0;
            boolean more = true;
            try (ResultSet rs = st.executeQuery("SHOW BINLOG EVENTS IN '" + file + "' FROM " + next
                    + " LIMIT " + PAGE)) {
                while (more && rs.next()) {
                    rows++;
                    more = scan.accept(new BinlogGroupScan.Event(rs.getLong("Pos"), rs.getString("Event_type"),
                            rs.getString("Info")));
                    next = rs.getLong("End_log_pos");
                }
            }
            if (!more || rows < PAGE) {
                return scan.resumeAt();
            }
        }
    }
}
