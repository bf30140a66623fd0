package org.ehrflow.sink.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts the released texts of migrations that were edited after release, and only those. {@code V3} was edited
 * twice after it had been applied (commits 0ea127a and b38b86b: the search functions' table lock and the
 * three-argument forms calling the four-argument ones), so a database migrated with an earlier text records
 * another checksum, and Flyway's validation refused to migrate it at all. Before Flyway runs, a history row that
 * holds one of the known earlier checksums gets the current one (a targeted {@code flyway repair}); any other
 * difference still fails validation. What the earlier texts lacked were function bodies only, and those are
 * now replaced on every database by the repeatable {@code R__search_functions.sql}, so such a database ends with
 * the same definitions as a fresh one ({@code MigrationUpgradeIT} migrates all three texts of V3).
 */
final class SupersededChecksums {

    private static final Logger LOG = LoggerFactory.getLogger(SupersededChecksums.class);

    /** A version, the checksum of its text now, and the checksums of its earlier released texts. */
    record Superseded(String version, int current, List<Integer> earlier) {
    }

    static final List<Superseded> KNOWN = List.of(
            // V3 as released in 7bb1fe1, then as edited in 0ea127a; now as edited in b38b86b.
            new Superseded("3", 1008371652, List.of(551253601, -1905280838)));

    private SupersededChecksums() {
    }

    /** Updates history rows of {@code schema} holding a known earlier checksum; returns the rows changed. */
    static int reconcile(Connection c, String schema) throws SQLException {
        String table = schema + ".flyway_schema_history";
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    return 0; // a new database: nothing recorded yet
                }
            }
        }
        int changed = 0;
        for (Superseded s : KNOWN) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table
                    + " SET checksum = ? WHERE version = ? AND checksum = ANY (?)")) {
                Array earlier = c.createArrayOf("integer", s.earlier().toArray());
                ps.setInt(1, s.current());
                ps.setString(2, s.version());
                ps.setArray(3, earlier);
                int n = ps.executeUpdate();
                if (n > 0) {
                    LOG.info("migration V{} was applied from an earlier released text; its recorded checksum is "
                            + "updated and R__search_functions replaces the functions it created", s.version());
                }
                changed += n;
            }
        }
        return changed;
    }
}
