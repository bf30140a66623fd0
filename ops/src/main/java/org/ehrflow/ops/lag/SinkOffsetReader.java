package org.ehrflow.ops.lag;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the sink's committed positions from PostgreSQL, where the sink stores them in the same transaction as its
 * rows (Kafka's group offsets for the sink are advisory only).
 */
public final class SinkOffsetReader {

    private final String jdbcUrl;
    private final Properties props;

    public SinkOffsetReader(String jdbcUrl, String user, String password) {
        this.jdbcUrl = jdbcUrl;
        this.props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
    }

    /** Next offset to process per partition for {@code group}. */
    public Map<TopicPartition, Long> read(String group) throws SQLException {
        Map<TopicPartition, Long> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, props);
                PreparedStatement ps = c.prepareStatement(
                        "SELECT topic, partition, next_offset FROM ehrflow.sink_offset WHERE consumer_group = ?")) {
            ps.setString(1, group);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
                }
            }
        }
        return out;
    }
}
