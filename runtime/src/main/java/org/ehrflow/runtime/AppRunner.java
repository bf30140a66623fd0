package org.ehrflow.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one lifecycle of every ehrflow process: read and validate the configuration (unknown {@code EHRFLOW_*}
 * keys reported), open the ops endpoint, start the app, report readiness, watch for a failure the app cannot
 * recover from, and drain on SIGTERM. Exit codes, the same everywhere:
 * <ul>
 *   <li>0: stopped on request ({@link #stop()}); a SIGTERM drains first and the JVM then exits with 143;</li>
 *   <li>1: the app failed while running (it says why in {@link Running#failure()}); an orchestrator restarts it;</li>
 *   <li>2: the configuration is invalid (every problem is printed, one per line, no stack trace);</li>
 *   <li>3: the app could not start (a port in use, a database that refuses the migration).</li>
 * </ul>
 */
public final class AppRunner<C> {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_CONFIG = 2;
    public static final int START_FAILED = 3;

    private static final Logger LOG = LoggerFactory.getLogger(AppRunner.class);

    /** What a started app shows the runner. */
    public interface Running extends AutoCloseable {

        /** Whether it can do its job now: {@code /ready}. */
        boolean ready();

        /** Null while healthy; why it stopped for good otherwise (no PHI: class names, states, codes). */
        default String failure() {
            return null;
        }

        /** Drains (answers what is in flight, flushes producers) and releases everything. Idempotent. */
        @Override
        void close();
    }

    /** A {@link Running} over an app that does not implement it: how it closes, when it is ready, why it failed. */
    public static Running running(AutoCloseable app, BooleanSupplier ready, Supplier<String> failure) {
        return new Running() {
            @Override
            public boolean ready() {
                return ready.getAsBoolean();
            }

            @Override
            public String failure() {
                return failure.get();
            }

            @Override
            public void close() {
                try {
                    app.close();
                } catch (Exception e) {
                    LOG.warn("closing failed ({})", e.getClass().getSimpleName());
                }
            }
        };
    }

    /** Starts the app with its validated configuration and the ops endpoint's registry. */
    @FunctionalInterface
    public interface Starter<C> {
        Running start(C config, MeterRegistry registry) throws Exception;
    }

    /** Where a configuration puts the ops endpoint. */
    public record OpsAddress(String host, int port) {
    }

    private final String app;
    private final Function<Map<String, String>, C> config;
    private final Function<C, OpsAddress> ops;
    private final Starter<C> starter;
    private final Duration checkEvery;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile int opsPort = -1;

    public AppRunner(String app, Function<Map<String, String>, C> config, Function<C, OpsAddress> ops,
            Starter<C> starter) {
        this(app, config, ops, starter, Duration.ofSeconds(1));
    }

    AppRunner(String app, Function<Map<String, String>, C> config, Function<C, OpsAddress> ops, Starter<C> starter,
            Duration checkEvery) {
        this.app = app;
        this.config = config;
        this.ops = ops;
        this.starter = starter;
        this.checkEvery = checkEvery;
    }

    /**
     * The body of a {@code main}: runs until SIGTERM, a failure or {@link #stop()}, then exits the JVM with the
     * code above (not when the JVM is already shutting down: its own status stands).
     */
    public static <C> void main(String app, Function<Map<String, String>, C> config, Function<C, OpsAddress> ops,
            Starter<C> starter) {
        AppRunner<C> runner = new AppRunner<>(app, config, ops, starter);
        Thread hook = new Thread(runner::drainOnSignal, app + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = runner.run(System.getenv());
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return; // SIGTERM: the hook waits for the drain, then the JVM exits with its own status
        }
        System.exit(code);
    }

    /** Runs the app against {@code env} until it fails or is stopped; returns the exit code. */
    public int run(Map<String, String> env) {
        C cfg;
        try {
            cfg = config.apply(env);
        } catch (ConfigException e) {
            System.err.println(app + ": invalid configuration");
            System.err.println(e.getMessage());
            stopped.countDown();
            return BAD_CONFIG;
        }
        List<String> unknown = ConfigReader.unknownKeys(env);
        if (!unknown.isEmpty()) {
            String message = "unknown setting(s), ignored: " + String.join(", ", unknown)
                    + " (misspelt? every key this app reads is documented in its README)";
            if (ConfigReader.strict(env)) {
                System.err.println(app + ": " + message);
                stopped.countDown();
                return BAD_CONFIG;
            }
            LOG.warn("{}", message);
        }
        OpsAddress where = ops.apply(cfg);
        OpsEndpoint endpoint;
        Running running;
        try {
            endpoint = OpsEndpoint.start(app, where.host(), where.port());
        } catch (RuntimeException e) {
            LOG.error("{} could not open its ops endpoint on {}:{} ({})", app, where.host(), where.port(),
                    e.getClass().getSimpleName());
            stopped.countDown();
            return START_FAILED;
        }
        try {
            running = starter.start(cfg, endpoint.registry());
        } catch (Exception e) {
            // Start-up touches configuration and infrastructure only (ports, URLs, migrations), no patient data.
            LOG.error("{} could not start: {}", app, e.toString());
            endpoint.close();
            stopped.countDown();
            return START_FAILED;
        }
        endpoint.readiness(running::ready);
        opsPort = endpoint.port();
        LOG.info("{} started; ops endpoint on port {}", app, endpoint.port());
        int code = watch(running);
        closeOnce(running, endpoint);
        return code;
    }

    private int watch(Running running) {
        try {
            while (!stopRequested.await(checkEvery.toMillis(), TimeUnit.MILLISECONDS)) {
                String why = running.failure();
                if (why != null) {
                    LOG.error("{} stopped: {}", app, why);
                    return FAILED;
                }
            }
            return OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OK;
        }
    }

    private void closeOnce(Running running, OpsEndpoint endpoint) {
        if (closed.compareAndSet(false, true)) {
            try {
                running.close();
            } catch (RuntimeException e) {
                LOG.warn("{} did not close cleanly ({})", app, e.getClass().getSimpleName());
            }
            endpoint.close();
            LOG.info("{} stopped", app);
        }
        stopped.countDown();
    }

    /**
     * Readiness of a Kafka Streams client from its state's name, the same for every stream app: RUNNING only
     * (a rebalancing or restoring client is not doing its job yet). Names, so this module needs no Streams jar.
     */
    public static boolean streamsReady(Enum<?> state) {
        return state.name().equals("RUNNING");
    }

    /** Why a Kafka Streams client in {@code state} has stopped for good (ERROR, NOT_RUNNING), or null. */
    public static String streamsFailure(String client, Enum<?> state) {
        String s = state.name();
        return s.equals("ERROR") || s.equals("PENDING_ERROR") || s.equals("NOT_RUNNING")
                ? client + " stopped in state " + s : null;
    }

    /** Asks the running app to drain and stop; {@link #run} then returns 0. Safe from any thread. */
    public void stop() {
        stopRequested.countDown();
    }

    /** The ops endpoint's bound port once the app started, else -1. */
    public int opsPort() {
        return opsPort;
    }

    /** Waits until {@link #run} has closed the app (or never started it). */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void drainOnSignal() {
        stop();
        try {
            // The main thread closes the app; the JVM must not halt before the drain is done.
            stopped.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
