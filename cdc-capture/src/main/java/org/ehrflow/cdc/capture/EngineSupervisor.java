package org.ehrflow.cdc.capture;

import io.debezium.engine.DebeziumEngine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one Debezium engine running. An engine that stops on its own (the database restarted or failed over, the
 * network dropped: Debezium gives up on errors it does not class as retriable, such as "Couldn't obtain encoding"
 * while PostgreSQL is still starting) is replaced by a new one after a capped exponential back-off. The new engine
 * resumes from the offsets topic and the replication slot, which kept every change made meanwhile, so an outage
 * delays capture but loses nothing. Supervising here rather than relying on an orchestrator keeps the all-in-one
 * pipeline (one JVM) capturing too.
 */
public final class EngineSupervisor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EngineSupervisor.class);

    /** Builds a fresh engine (engines cannot be restarted) that reports its end to {@code onStop}. */
    @FunctionalInterface
    public interface EngineFactory {
        DebeziumEngine<?> build(DebeziumEngine.CompletionCallback onStop);
    }

    private final EngineFactory factory;
    private final Duration initialDelay;
    private final Duration maxDelay;
    private final Counter restarts;
    private final ExecutorService engineThread =
            Executors.newSingleThreadExecutor(r -> new Thread(r, "ehrflow-cdc-engine"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ehrflow-cdc-restart");
        t.setDaemon(true);
        return t;
    });
    private DebeziumEngine<?> engine;
    private ScheduledFuture<?> pendingRestart;
    private Duration nextDelay;
    private long launchedAt;
    private boolean closed;
    private volatile Throwable lastFailure;

    public EngineSupervisor(EngineFactory factory, Duration initialDelay, Duration maxDelay, MeterRegistry registry) {
        this.factory = factory;
        this.initialDelay = initialDelay;
        this.maxDelay = maxDelay;
        this.nextDelay = initialDelay;
        this.restarts = Counter.builder("ehrflow.cdc.engine.restarts")
                .description("capture engines replaced after stopping on a failure (database outage, failover)")
                .register(registry);
    }

    /** Starts the first engine on its own thread; returns at once. */
    public synchronized void start() {
        launch();
    }

    private synchronized void launch() {
        if (closed) {
            return;
        }
        pendingRestart = null;
        engine = factory.build(this::stopped);
        launchedAt = System.nanoTime();
        engineThread.execute(engine);
    }

    /** The engine's completion callback (its own thread): schedule a replacement unless we are closing. */
    private synchronized void stopped(boolean success, String message, Throwable error) {
        if (closed) {
            return;
        }
        lastFailure = error != null ? error : new IllegalStateException("capture engine stopped unexpectedly");
        // An engine that ran longer than the longest back-off was healthy: start the back-off over.
        if (System.nanoTime() - launchedAt > maxDelay.toNanos()) {
            nextDelay = initialDelay;
        }
        Duration delay = nextDelay;
        nextDelay = delay.multipliedBy(2).compareTo(maxDelay) > 0 ? maxDelay : delay.multipliedBy(2);
        restarts.increment();
        // Class name only: engine messages can quote SQL errors, which can quote row values.
        LOG.warn("capture engine stopped ({}); starting a new one in {} ms, resuming from the stored offsets",
                error == null ? "no exception" : error.getClass().getSimpleName(), delay.toMillis());
        pendingRestart = timer.schedule(this::launch, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Why the last engine stopped on its own, if one did (it may have been replaced since). */
    public Optional<Throwable> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** Stops the running engine (which commits its acknowledged offsets) and starts no other. */
    @Override
    public void close() {
        DebeziumEngine<?> running;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (pendingRestart != null) {
                pendingRestart.cancel(false);
            }
            running = engine;
        }
        timer.shutdownNow();
        try {
            if (running != null) {
                running.close();
            }
            engineThread.shutdown();
            if (!engineThread.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("capture engine did not stop within 30 s");
                engineThread.shutdownNow();
            }
        } catch (IOException e) {
            LOG.warn("closing the capture engine failed: {}", e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
