package org.ehrflow.gateway.bulk;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ehrflow.gateway.ingest.NdjsonRecords;
import org.ehrflow.gateway.publish.GatewayPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link BulkJob} now and then every {@code interval} (fixed delay): the first run resumes an export a
 * previous process left unfinished, later runs are incremental ({@code _since}). A failed run is logged by class and
 * retried at the next interval; progress is exported as counters (files, resources, bytes).
 */
public final class BulkScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BulkScheduler.class);

    private final ScheduledExecutorService executor;

    private BulkScheduler(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    public static BulkScheduler start(BulkJob job, Duration interval, Duration ackDeadline, GatewayPublisher publisher,
            MeterRegistry registry) {
        Counter files = Counter.builder("ehrflow.gateway.bulk.files").tag("job", job.name()).register(registry);
        Counter resources = Counter.builder("ehrflow.gateway.bulk.resources").tag("job", job.name()).register(registry);
        Counter bytes = Counter.builder("ehrflow.gateway.bulk.bytes").tag("job", job.name()).register(registry);
        Counter failures = Counter.builder("ehrflow.gateway.bulk.failures").tag("job", job.name()).register(registry);
        BulkExporter exporter = new BulkExporter(Duration.ofSeconds(30), Duration.ofHours(6), 500,
                new NdjsonRecords(Clock.systemUTC()),
                batch -> publisher.publishAll(batch).get(ackDeadline.toMillis() + 1000, TimeUnit.MILLISECONDS));
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fhir-gateway-bulk-" + job.name());
            t.setDaemon(true);
            return t;
        });
        ex.scheduleWithFixedDelay(() -> {
            try {
                BulkExporter.Progress p = exporter.run(job);
                files.increment(p.files());
                resources.increment(p.resources());
                bytes.increment(p.bytes());
                LOG.info("bulk {}: run complete: {} files, {} resources, {} bytes, {} unreadable lines", job.name(),
                        p.files(), p.resources(), p.bytes(), p.skippedLines());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failures.increment();
                // The message of our own failures names no data; others are reported by class only.
                LOG.warn("bulk {}: run failed: {}", job.name(), e instanceof BulkExporter.BulkFailure
                        ? e.getMessage() : e.getClass().getName());
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return new BulkScheduler(ex);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
