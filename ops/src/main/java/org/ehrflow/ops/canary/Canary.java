package org.ehrflow.ops.canary;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.ehrflow.runtime.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The freshness canary: every interval it injects one canary event per configured source and polls the sink's
 * table (every 100 ms) until the event's rows are there; injection-to-searchable goes to
 * {@code ehrflow.canary.freshness}. Rows are looked up under the canary's own patient key only.
 */
public final class Canary implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Canary.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final String FIND_LATER = "SELECT 1 FROM ehrflow.chunk WHERE patient_key = ?"
            + " AND source_message_id LIKE ? AND source_message_id >= ? LIMIT 1";
    private static final String FIND_LIKE = "SELECT 1 FROM ehrflow.chunk WHERE patient_key = ?"
            + " AND source_message_id LIKE ? LIMIT 1";

    /** One finished measurement, for the status page. */
    public record Measurement(Instant at, CanaryConfig.Source source, double seconds) {
    }

    private record Pending(CanaryInjector.Probe probe, long startNanos, Instant injectedAt) {
    }

    private final CanaryConfig config;
    private final CanaryInjector injector;
    private final CanaryMetrics metrics;
    private final Clock clock;
    private final String sinkJdbcUrl;
    private final Properties sinkProps = new Properties();
    private final ScheduledExecutorService inject;
    private final ScheduledExecutorService probe;
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Measurement> recent = new ConcurrentLinkedQueue<>();
    private final AtomicLong seq;
    private Connection sink;

    private Canary(CanaryConfig config, CanaryInjector injector, CanaryMetrics metrics, String sinkJdbcUrl,
            String sinkUser, Secret sinkPassword, Clock clock) {
        this.config = config;
        this.injector = injector;
        this.metrics = metrics;
        this.clock = clock;
        this.sinkJdbcUrl = sinkJdbcUrl;
        sinkProps.setProperty("user", sinkUser);
        sinkProps.setProperty("password", sinkPassword.value());
        // Sequence numbers from the clock: a restarted canary never reuses an earlier run's message ids.
        this.seq = new AtomicLong(clock.millis());
        this.inject = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "ops-canary-inject"));
        this.probe = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "ops-canary-probe"));
    }

    /** Starts injecting every {@code config.interval()} and probing the sink's database. */
    public static Canary start(CanaryConfig config, CanaryInjector injector, CanaryMetrics metrics,
            String sinkJdbcUrl, String sinkUser, Secret sinkPassword, Clock clock) {
        Canary c = new Canary(config, injector, metrics, sinkJdbcUrl, sinkUser, sinkPassword, clock);
        c.inject.scheduleAtFixedRate(c::injectAll, 0, config.interval().toMillis(), TimeUnit.MILLISECONDS);
        c.probe.scheduleWithFixedDelay(c::probeAll, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
        return c;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** The last measurements (at most 500), oldest first. */
    public List<Measurement> recent() {
        return new ArrayList<>(recent);
    }

    private void injectAll() {
        for (CanaryConfig.Source s : config.sources()) {
            long n = seq.incrementAndGet();
            long start = System.nanoTime();
            try {
                pending.add(new Pending(injector.inject(s, n, clock.instant()), start, clock.instant()));
            } catch (Exception e) {
                metrics.failed(s);
                LOG.warn("canary: injecting through {} failed: {}", s, e.getClass().getSimpleName());
            }
        }
    }

    private void probeAll() {
        for (Pending p : List.copyOf(pending)) {
            long age = System.nanoTime() - p.startNanos();
            try {
                if (found(p.probe())) {
                    pending.remove(p);
                    Duration took = Duration.ofNanos(age);
                    metrics.searchable(p.probe().source(), took);
                    recent.add(new Measurement(p.injectedAt(), p.probe().source(), took.toMillis() / 1000.0));
                    while (recent.size() > 500) {
                        recent.poll();
                    }
                    injector.cleanUp(p.probe());
                } else if (age > config.timeout().toNanos()) {
                    pending.remove(p);
                    metrics.lost(p.probe().source());
                    LOG.warn("canary: {} event {} not searchable within {}", p.probe().source(), p.probe().seq(),
                            config.timeout());
                }
            } catch (SQLException | RuntimeException e) {
                LOG.warn("canary: probing failed: {} (SQLSTATE {})", e.getClass().getSimpleName(),
                        e instanceof SQLException q ? q.getSQLState() : "-");
                closeSink();
                return;
            }
        }
    }

    private boolean found(CanaryInjector.Probe p) throws SQLException {
        if (sink == null) {
            sink = DriverManager.getConnection(sinkJdbcUrl, sinkProps);
        }
        try (PreparedStatement ps = sink.prepareStatement(p.prefix() == null ? FIND_LIKE : FIND_LATER)) {
            ps.setString(1, CanaryMessages.PATIENT_KEY);
            if (p.prefix() == null) {
                ps.setString(2, p.messageId());
            } else {
                ps.setString(2, p.prefix() + "%");
                ps.setString(3, p.messageId());
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private void closeSink() {
        if (sink != null) {
            try {
                sink.close();
            } catch (SQLException e) {
                // closing a broken connection: nothing to do
            }
            sink = null;
        }
    }

    @Override
    public void close() {
        inject.shutdownNow();
        probe.shutdown();
        try {
            probe.awaitTermination(10, TimeUnit.SECONDS);
            inject.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeSink();
        injector.close();
    }
}
