package org.ehrflow.sink.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The sink's Kafka positions in {@code ehrflow.sink_offset}: the source of truth, written in the same transaction
 * as the rows they cover, read on partition assignment.
 */
public final class OffsetStore {

    private static final String UPSERT = """
            INSERT INTO ehrflow.sink_offset (consumer_group, topic, partition, next_offset, updated_at)
            VALUES (?, ?, ?, ?, clock_timestamp())
            ON CONFLICT (consumer_group, topic, partition)
            DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = EXCLUDED.updated_at""";

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

    /** Upserts {@code nextOffsets} inside the caller's transaction. */
    public void save(Connection c, Map<TopicPartition, Long> nextOffsets) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            for (Map.Entry<TopicPartition, Long> e : nextOffsets.entrySet()) {
                ps.setString(1, group);
                ps.setString(2, e.getKey().topic());
                ps.setInt(3, e.getKey().partition());
                ps.setLong(4, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
