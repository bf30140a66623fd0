package org.ehrflow.cdc.capture;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/** The capture's meters. Labels are table names, op codes, reason codes and skip kinds only: never row values. */
public final class CdcMetrics {

    private final MeterRegistry registry;
    private final Timer produceLatency;
    private final Timer captureLag;
    private final Counter produceRetries;
    private final Clock clock;
    private final EventRate rate;
    private volatile Instant lastHeartbeat;

    public CdcMetrics(MeterRegistry registry) {
        this(registry, Clock.systemUTC(), System::nanoTime);
    }

    CdcMetrics(MeterRegistry registry, Clock clock, LongSupplier nanos) {
        this.registry = registry;
        this.clock = clock;
        this.rate = new EventRate(10, nanos);
        Gauge.builder("ehrflow.cdc.events.rate", rate, EventRate::perSecond).baseUnit("events/s")
                .description("data change events acknowledged per second, over the last 10 s").register(registry);
        Gauge.builder("ehrflow.cdc.heartbeat.age", this, CdcMetrics::heartbeatAgeSeconds).baseUnit("seconds")
                .description("seconds since the last Debezium heartbeat record (NaN before the first)")
                .register(registry);
        this.produceLatency = Timer.builder("ehrflow.cdc.produce.latency")
                .description("time from sending a batch to the broker acknowledging all of it")
                .publishPercentileHistogram().register(registry);
        this.captureLag = Timer.builder("ehrflow.cdc.capture.lag")
                .description("commit time at the source (source.ts_ms) to broker acknowledgement")
                .publishPercentileHistogram().register(registry);
        this.produceRetries = Counter.builder("ehrflow.cdc.produce.retries")
                .description("batch re-sends after a retriable producer failure").register(registry);
    }

    void published(String table, String op, Instant eventTime, Instant ackedAt) {
        Counter.builder("ehrflow.cdc.events").description("data change events acknowledged by the broker")
                .tag("table", table).tag("op", op).register(registry).increment();
        rate.add(1);
        if (eventTime != null && !ackedAt.isBefore(eventTime)) {
            captureLag.record(Duration.between(eventTime, ackedAt));
        }
    }

    void deadLettered(String reasonCode) {
        Counter.builder("ehrflow.cdc.dlq").description("change events sent to the DLQ")
                .tag("reason", reasonCode).register(registry).increment();
    }

    void heartbeat() {
        lastHeartbeat = clock.instant();
    }

    double heartbeatAgeSeconds() {
        Instant last = lastHeartbeat;
        return last == null ? Double.NaN : Duration.between(last, clock.instant()).toMillis() / 1000.0;
    }

    void skipped(String kind) {
        Counter.builder("ehrflow.cdc.skipped").description("engine records acknowledged without publishing")
                .tag("kind", kind).register(registry).increment();
    }

    void batchAcked(Duration sendToAck) {
        produceLatency.record(sendToAck);
    }

    void retried() {
        produceRetries.increment();
    }
}
