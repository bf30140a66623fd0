package org.ehrflow.sink.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code ehrflow.patient_merge}: which patient keys were retired by a merge, and into which survivor. The sink
 * records every merge here and files a record that arrives later under a retired key under its survivor: the
 * merge may overtake the retired patient's last facts upstream (they travel on other partitions), and the final
 * state must not depend on which arrived first.
 */
public final class MergeAliases {

    private static final String RECORD = """
            INSERT INTO ehrflow.patient_merge (retired_key, surviving_key) VALUES (?, ?)
            ON CONFLICT (retired_key) DO UPDATE SET surviving_key = EXCLUDED.surviving_key,
                merged_at = clock_timestamp()""";
    // A survivor that is itself merged later: whatever pointed to it now points to the new survivor (no chains).
    private static final String FLATTEN = "UPDATE ehrflow.patient_merge SET surviving_key = ? WHERE surviving_key = ?";
    private static final String LOOKUP =
            "SELECT retired_key, surviving_key FROM ehrflow.patient_merge WHERE retired_key = ANY (?)";

    private MergeAliases() {
    }

    /** Records that {@code retired} now lives under {@code surviving}, in the caller's transaction. */
    public static void record(Connection c, String retired, String surviving) throws SQLException {
        if (retired.equals(surviving)) {
            return;
        }
        try (PreparedStatement flatten = c.prepareStatement(FLATTEN);
                PreparedStatement rec = c.prepareStatement(RECORD)) {
            flatten.setString(1, surviving);
            flatten.setString(2, retired);
            flatten.executeUpdate();
            rec.setString(1, retired);
            rec.setString(2, surviving);
            rec.executeUpdate();
        }
    }

    /** The survivors of those of {@code keys} that were merged away (keys not merged are absent). */
    public static Map<String, String> survivors(Connection c, Collection<String> keys) throws SQLException {
        Map<String, String> out = new HashMap<>();
        if (keys.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement(LOOKUP)) {
            Array arr = c.createArrayOf("text", keys.toArray());
            ps.setArray(1, arr);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }
}
