package org.ehrflow.sink.consume;

import java.sql.SQLException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.ehrflow.sink.error.DlqPublisher;
import org.ehrflow.sink.error.RecordFailure;
import org.ehrflow.sink.error.ReasonCodes;
import org.ehrflow.sink.error.SinkFatalException;
import org.ehrflow.sink.error.SinkStoppedException;
import org.ehrflow.sink.error.SqlErrorClass;
import org.ehrflow.sink.error.TransientException;
import org.ehrflow.sink.store.PgSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one unit of work against PostgreSQL (and the DLQ) until it succeeds: transient faults back off
 * exponentially (capped) and retry, record faults become {@link RecordFailure}, fatal ones
 * {@link SinkFatalException}. Logs SQLSTATEs and class names only.
 */
public final class Retrier {

    private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

    /** Work that may fail with a SQL error. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws SQLException;
    }

    private final PgSession pg;
    private final Duration initial;
    private final Duration max;
    private final BooleanSupplier running;
    private final Runnable onRetry;
    private volatile Runnable whileWaiting = () -> { };
    private volatile boolean failing;

    public Retrier(PgSession pg, Duration initial, Duration max, BooleanSupplier running, Runnable onRetry) {
        this.pg = pg;
        this.initial = initial;
        this.max = max;
        this.running = running;
        this.onRetry = onRetry;
    }

    /**
     * Called about once a second while backing off: the sink pauses its partitions and polls, so a long outage
     * stops consumption without the consumer leaving its group (max.poll.interval.ms).
     */
    public void whileWaiting(Runnable action) {
        this.whileWaiting = action;
    }

    /** True from a transient fault until the next unit of work succeeds: the sink is not ready meanwhile. */
    public boolean failing() {
        return failing;
    }

    public <T> T run(String what, Work<T> work) {
        Duration delay = initial;
        while (true) {
            try {
                T result = work.run();
                failing = false;
                return result;
            } catch (SQLException e) {
                switch (SqlErrorClass.of(e)) {
                    case FATAL -> {
                        pg.reset();
                        throw SinkFatalException.ofSql(what, e);
                    }
                    case RECORD -> {
                        pg.reset();
                        throw new RecordFailure(ReasonCodes.PG_REJECTED, e);
                    }
                    default -> {
                        pg.reset();
                        LOG.warn("transient PostgreSQL fault during {} (SQLSTATE {}, {}); retrying in {} ms", what,
                                e.getSQLState(), e.getClass().getSimpleName(), delay.toMillis());
                    }
                }
            } catch (TransientException e) {
                LOG.warn("transient fault during {} ({}); retrying in {} ms", what, e.getMessage(), delay.toMillis());
            } catch (DlqPublisher.DlqUnavailableException e) {
                LOG.warn("DLQ not acknowledged during {} ({}); retrying in {} ms", what,
                        e.getCause().getClass().getSimpleName(), delay.toMillis());
            }
            failing = true;
            onRetry.run();
            sleep(delay);
            delay = delay.multipliedBy(2).compareTo(max) > 0 ? max : delay.multipliedBy(2);
        }
    }

    private void sleep(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        long nextTick = System.nanoTime();
        while (System.nanoTime() < until) {
            if (!running.getAsBoolean()) {
                throw new SinkStoppedException();
            }
            if (System.nanoTime() >= nextTick) {
                whileWaiting.run();
                nextTick = System.nanoTime() + 1_000_000_000L;
            }
            try {
                Thread.sleep(Math.min(50, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SinkStoppedException();
            }
        }
    }
}
