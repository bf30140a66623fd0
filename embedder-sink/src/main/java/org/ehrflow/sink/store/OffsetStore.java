package org.ehrflow.sink.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The sink's Kafka positions in {@code ehrflow.sink_offset}: the source of truth, written in the same transaction
 * as the rows they cover, read on partition assignment. Every write is a compare-and-set against the offset the
 * writer last saw ({@link #advance}): a sink that lost its partitions without knowing it yet (a zombie after a
 * session timeout or a broker restart) must not commit a batch the partition's new owner may already have moved
 * past. The row lock the UPDATE takes also orders two such writers; the second finds the offset moved and fails.
 */
public final class OffsetStore {

    private static final String ADVANCE = """
            UPDATE ehrflow.sink_offset SET next_offset = ?, updated_at = clock_timestamp()
            WHERE consumer_group = ? AND topic = ? AND partition = ? AND next_offset = ?""";
    private static final String FIRST = """
            INSERT INTO ehrflow.sink_offset (consumer_group, topic, partition, next_offset, updated_at)
            VALUES (?, ?, ?, ?, clock_timestamp()) ON CONFLICT (consumer_group, topic, partition) DO NOTHING""";

    /** The expected offset of a partition that has no stored row yet. */
    public static final long NO_ROW = -1L;

    private final String group;

    public OffsetStore(String group) {
        this.group = group;
    }

    /** Stored next offsets of {@code partitions}; partitions never written are absent. */
    public Map<TopicPartition, Long> load(Connection c, Collection<TopicPartition> partitions) throws SQLException {
        Map<TopicPartition, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT next_offset FROM ehrflow.sink_offset WHERE consumer_group = ? AND topic = ? AND partition = ?")) {
            for (TopicPartition tp : partitions) {
                ps.setString(1, group);
                ps.setString(2, tp.topic());
                ps.setInt(3, tp.partition());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        out.put(tp, rs.getLong(1));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Moves each partition of {@code next} from the offset in {@code expected} ({@link #NO_ROW}: no row yet) to
     * its next offset, inside the caller's transaction, and returns the partitions whose stored offset was not
     * the expected one (none were written for them; the caller must roll back). A partition missing from
     * {@code expected} is not this writer's any more and is returned unwritten.
     */
    public List<TopicPartition> advance(Connection c, Map<TopicPartition, Long> next, Map<TopicPartition,
            Long> expected)
            throws SQLException {
        List<TopicPartition> moved = new ArrayList<>();
        List<TopicPartition> updates = new ArrayList<>();
        List<TopicPartition> inserts = new ArrayList<>();
        for (TopicPartition tp : next.keySet()) {
            Long e = expected.get(tp);
            if (e == null) {
                moved.add(tp);
            } else if (e == NO_ROW) {
                inserts.add(tp);
            } else {
                updates.add(tp);
            }
        }
        if (!moved.isEmpty()) {
            return moved; // nothing written: the caller rolls back the whole batch anyway
        }
        try (PreparedStatement up = c.prepareStatement(ADVANCE); PreparedStatement in = c.prepareStatement(FIRST)) {
            for (TopicPartition tp : updates) {
                up.setLong(1, next.get(tp));
                up.setString(2, group);
                up.setString(3, tp.topic());
                up.setInt(4, tp.partition());
                up.setLong(5, expected.get(tp));
                up.addBatch();
            }
            int[] counts = updates.isEmpty() ? new int[0] : up.executeBatch();
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] == 0) {
                    moved.add(updates.get(i));
                }
            }
            // One at a time: the session rewrites batched INSERTs, which then report no row counts. A partition's
            // first row is written once in its life, so this costs nothing that matters.
            for (TopicPartition tp : inserts) {
                in.setString(1, group);
                in.setString(2, tp.topic());
                in.setInt(3, tp.partition());
                in.setLong(4, next.get(tp));
                if (in.executeUpdate() == 0) {
                    moved.add(tp);
                }
            }
        }
        return moved;
    }

}
