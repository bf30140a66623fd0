package org.ehrflow.sink.consume;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.ehrflow.sink.store.OffsetStore;
import org.ehrflow.sink.store.PgSession;

/**
 * Keeps the consumer honest about PostgreSQL. The sink's position in Kafka is only a cache of the next offsets
 * stored in {@code ehrflow.sink_offset}; a database can come back without commits it had acknowledged (a crash with
 * {@code synchronous_commit=off} or without fsync, an asynchronous replica promoted, a restored backup). Batches
 * lost that way are behind the consumer's position and would never be read again. So whenever the sink's
 * connection is new, the first write first compares the stored offsets of every assigned partition with the ones
 * it last committed, and any difference makes the loop seek back (or forward) to what the database holds.
 *
 * <p>Every batch's offset write is also a compare-and-set on the offsets this sink last committed
 * ({@link #advance}): a sink that lost its partitions without knowing it yet, or whose database moved under it,
 * rolls the batch back and seeks instead of overwriting newer rows with older ones.
 *
 * <p>Poll thread only. The check costs one read per partition once per connection; the compare-and-set costs
 * nothing beyond the offset write itself.
 */
final class PositionGuard {

    /** The stored offsets disagree with the ones this sink committed: the loop must seek to {@link #stored()}. */
    static final class DivergedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Map<TopicPartition, Long> stored;

        DivergedException(Map<TopicPartition, Long> stored, int partitions) {
            super(partitions + " partition(s) whose stored offsets differ from the ones committed; seeking to them",
                    null, false, false);
            this.stored = stored;
        }

        /** Stored next offsets of the assigned partitions; a partition absent here has no stored row. */
        Map<TopicPartition, Long> stored() {
            return stored;
        }
    }

    private static final long NO_ROW = OffsetStore.NO_ROW;

    private final OffsetStore offsets;
    private final Map<TopicPartition, Long> expected = new HashMap<>();
    private long checkedGeneration = -1;

    PositionGuard(OffsetStore offsets) {
        this.offsets = offsets;
    }

    /** {@code partitions} were sought to {@code stored} (absent: no stored row, read from the beginning). */
    void assigned(Collection<TopicPartition> partitions, Map<TopicPartition, Long> stored) {
        for (TopicPartition tp : partitions) {
            expected.put(tp, stored.getOrDefault(tp, NO_ROW));
        }
    }

    void revoked(Collection<TopicPartition> partitions) {
        partitions.forEach(expected::remove);
    }

    /** A batch committed these next offsets (partitions no longer assigned are ignored). */
    void committed(Map<TopicPartition, Long> next) {
        next.forEach((tp, o) -> expected.computeIfPresent(tp, (k, old) -> o));
    }

    /**
     * The offset write of a batch, in its transaction: moves each partition of {@code next} from the offset this
     * sink last committed. If another writer moved one (the partition's new owner after a rebalance this sink has
     * not seen yet, or a database that lost commits), rolls the transaction back and throws
     * {@link DivergedException} with the stored offsets, so nothing of the batch lands.
     */
    void advance(Connection c, Map<TopicPartition, Long> next) throws SQLException {
        List<TopicPartition> moved = offsets.advance(c, next, expected);
        if (moved.isEmpty()) {
            return;
        }
        c.rollback();
        Map<TopicPartition, Long> stored = offsets.load(c, expected.keySet());
        c.rollback();
        throw new DivergedException(stored, moved.size());
    }

    /**
     * Before a write: when {@code pg}'s connection is newer than the last check, reads the stored offsets of
     * every assigned partition and throws {@link DivergedException} if any differs from what this sink committed.
     * Runs inside the caller's retry, so a fault here is retried like the write itself.
     */
    void check(PgSession pg) throws SQLException {
        Connection c = pg.get();
        long generation = pg.generation();
        if (generation == checkedGeneration) {
            return;
        }
        Map<TopicPartition, Long> stored = offsets.load(c, expected.keySet());
        pg.endRead();
        checkedGeneration = generation;
        int diverged = 0;
        for (Map.Entry<TopicPartition, Long> e : expected.entrySet()) {
            if (stored.getOrDefault(e.getKey(), NO_ROW).longValue() != e.getValue()) {
                diverged++;
            }
        }
        if (diverged > 0) {
            throw new DivergedException(stored, diverged);
        }
    }
}
