package org.ehrflow.ops;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ehrflow.ops.canary.Canary;
import org.ehrflow.ops.canary.CanaryConfig;
import org.ehrflow.ops.canary.CanaryInjector;
import org.ehrflow.ops.canary.CanaryMetrics;
import org.ehrflow.ops.dlq.DlqCounter;
import org.ehrflow.ops.dlq.DlqScanner;
import org.ehrflow.ops.lag.LagMonitor;
import org.ehrflow.ops.lag.SinkOffsetReader;
import org.ehrflow.ops.metrics.OpsMetrics;
import org.ehrflow.ops.slot.SlotLagReader;
import org.ehrflow.ops.status.History;
import org.ehrflow.ops.status.StatusPage;
import org.ehrflow.ops.status.StatusServer;
import org.ehrflow.runtime.AppRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ops process: measures lag, DLQs and the CDC slot at a fixed interval, exports them, serves the status page,
 * and optionally runs the freshness canary.
 */
public final class OpsApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpsApp.class);
    /** Points kept for the freshness chart: an hour at the default 5 s interval. */
    private static final int HISTORY_POINTS = 720;

    private final LagMonitor lag;
    private final DlqScanner scanner;
    private final OpsCollector collector;
    private final ScheduledExecutorService timer;
    private final StatusServer status;
    private final Canary canary;

    private OpsApp(LagMonitor lag, DlqScanner scanner, OpsCollector collector, ScheduledExecutorService timer,
            StatusServer status, Canary canary) {
        this.lag = lag;
        this.scanner = scanner;
        this.collector = collector;
        this.timer = timer;
        this.status = status;
        this.canary = canary;
    }

    /** Starts measuring every {@code config.interval()} into {@code registry} and serves the status page. */
    public static OpsApp start(OpsConfig config, MeterRegistry registry) {
        return start(config, CanaryConfig.disabled(), registry);
    }

    /**
     * As {@link #start(OpsConfig, MeterRegistry)}, plus the freshness canary when {@code canaryConfig} names
     * sources (it needs the sink's database: {@code config.sinkJdbcUrl()}).
     */
    public static OpsApp start(OpsConfig config, CanaryConfig canaryConfig, MeterRegistry registry) {
        if (canaryConfig.enabled() && config.sinkJdbcUrl() == null) {
            throw new IllegalArgumentException("the canary needs EHRFLOW_OPS_SINK_JDBC_URL to see what is searchable");
        }
        Clock clock = Clock.systemUTC();
        SinkOffsetReader sink = config.sinkJdbcUrl() == null ? null
                : new SinkOffsetReader(config.sinkJdbcUrl(), config.sinkUser(), config.sinkPassword().value());
        SlotLagReader slot = config.ehrJdbcUrl() == null ? null
                : new SlotLagReader(config.ehrJdbcUrl(), config.ehrUser(), config.ehrPassword().value(), config.slot(),
                        clock);
        LagMonitor lag = new LagMonitor(config.kafka(), sink, clock);
        DlqScanner scanner = new DlqScanner(config.kafka());
        OpsCollector collector = new OpsCollector(lag, new DlqCounter(scanner, DlqScanner.pipelineDlqTopics()), slot,
                new OpsMetrics(registry), new History(HISTORY_POINTS), clock);
        Canary canary = !canaryConfig.enabled() ? null
                : Canary.start(canaryConfig, new CanaryInjector(canaryConfig, config.kafka()),
                        new CanaryMetrics(registry), config.sinkJdbcUrl(), config.sinkUser(), config.sinkPassword(),
                        clock);
        StatusServer status = StatusServer.start(config.opsHost(), config.statusPort(),
                () -> StatusPage.render(collector.latest(), collector.history().points(),
                        canary == null ? null : canary.recent()));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ops-measure");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                collector.measure();
            } catch (RuntimeException e) {
                // Keep the schedule alive: a dead timer would freeze every gauge at its last value.
                LOG.warn("ops: measuring round failed: {}", e.getClass().getSimpleName());
            }
        }, 0, config.interval().toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("ops started: status page on port {}, every {}", status.port(), config.interval());
        return new OpsApp(lag, scanner, collector, timer, status, canary);
    }

    public OpsCollector collector() {
        return collector;
    }

    /** The running canary, or null when it is disabled. */
    public Canary canary() {
        return canary;
    }

    public int statusPort() {
        return status.port();
    }

    /** Ready when the last round reached the broker. */
    public boolean isReady() {
        return !collector.latest().failures().contains("kafka") && !collector.latest().lags().isEmpty();
    }

    @Override
    public void close() {
        // A round against an unreachable broker blocks for its timeouts: interrupt it and wake the consumers up,
        // else SIGTERM waits out the round and closing a consumer still in use fails (not thread-safe).
        timer.shutdownNow();
        scanner.wakeup();
        lag.wakeup();
        boolean stopped = false;
        try {
            stopped = timer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        status.close();
        if (canary != null) {
            canary.close();
        }
        if (stopped) {
            scanner.close();
            lag.close();
        } else {
            LOG.warn("ops: measuring round still running after 30 s; Kafka clients left to the JVM exit");
        }
    }

    /** The two configurations the ops process reads. */
    private record Settings(OpsConfig ops, CanaryConfig canary) {
        static Settings fromEnv(Map<String, String> env) {
            return new Settings(OpsConfig.fromEnv(env), CanaryConfig.fromEnv(env));
        }
    }

    public static void main(String[] args) {
        AppRunner.main("ops", Settings::fromEnv, s -> new AppRunner.OpsAddress(s.ops().opsHost(), s.ops().opsPort()),
                (s, registry) -> {
                    OpsApp app = start(s.ops(), s.canary(), registry);
                    return AppRunner.running(app, app::isReady, () -> null);
                });
    }
}
