package org.ehrflow.sink.consume;

import java.sql.Connection;
import java.time.Duration;
import org.ehrflow.sink.error.RecordFailure;
import org.ehrflow.sink.store.EventRetention;
import org.ehrflow.sink.store.PgSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Prunes {@code ehrflow.source_event} by age between batches (poll thread), a step at a time. */
public final class EventPruner {

    private static final Logger LOG = LoggerFactory.getLogger(EventPruner.class);
    static final Duration PRUNE_INTERVAL = Duration.ofMinutes(10);

    private final PgSession pg;
    private final Retrier retrier;
    private final SinkMetrics metrics;
    private final EventRetention retention;
    private long nextPruneAt = System.nanoTime();

    public EventPruner(PgSession pg, Retrier retrier, SinkMetrics metrics, EventRetention retention) {
        this.pg = pg;
        this.retrier = retrier;
        this.metrics = metrics;
        this.retention = retention;
    }

    /**
     * One pruning step of expired source events when one is due (every {@link #PRUNE_INTERVAL}, or at once again
     * while a full step was found). A failure only postpones it.
     */
    public void housekeeping() {
        if (!retention.enabled() || System.nanoTime() - nextPruneAt < 0) {
            return;
        }
        try {
            int pruned = retrier.run("pruning source events", () -> {
                Connection c = pg.get();
                int n = retention.prune(c);
                c.commit();
                return n;
            });
            metrics.eventsPruned.increment(pruned);
            nextPruneAt = System.nanoTime() + (pruned >= retention.maxRows() ? 0 : PRUNE_INTERVAL.toNanos());
        } catch (RecordFailure e) {
            LOG.warn("pruning source events failed ({}); next try in {}", e.getMessage(), PRUNE_INTERVAL);
            nextPruneAt = System.nanoTime() + PRUNE_INTERVAL.toNanos();
        }
    }
}
