package org.ehrflow.gateway.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** Request counts and latencies by interaction and status class; records published. */
public final class GatewayMetrics {

    private final MeterRegistry registry;
    private final Counter published;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.published = Counter.builder("ehrflow.gateway.records.published")
                .description("raw records acknowledged by the broker").register(registry);
    }

    void request(String interaction, int status, int records, Duration took) {
        Timer.builder("ehrflow.gateway.request.latency").description("request time including the broker ack")
                .tag("interaction", interaction).tag("status", Integer.toString(status))
                .publishPercentileHistogram().register(registry).record(took);
        if (status / 100 == 2) {
            published.increment(records);
        }
    }
}
