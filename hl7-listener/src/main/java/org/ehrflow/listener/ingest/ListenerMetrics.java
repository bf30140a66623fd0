package org.ehrflow.listener.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.ehrflow.listener.hl7.AckCode;
import org.ehrflow.listener.hl7.RejectReason;

/** The listener's message meters. Labels are ACK codes and reason codes only: never message content. */
public final class ListenerMetrics {

    private final MeterRegistry registry;
    private final Counter received;
    private final DistributionSummary bytes;

    public ListenerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.received = Counter.builder("ehrflow.listener.messages.received").register(registry);
        this.bytes = DistributionSummary.builder("ehrflow.listener.message.bytes").baseUnit("bytes")
                .description("size of received frames").register(registry);
    }

    /** A frame arrived. */
    public void received(int frameBytes) {
        received.increment();
        bytes.record(frameBytes);
    }

    /** An ACK was produced; {@code elapsed} is receive-to-ACK. */
    public void acked(AckCode code, RejectReason reason, Duration elapsed) {
        String r = reason == null ? "NONE" : reason.name();
        registry.counter("ehrflow.listener.acks", "code", code.name(), "reason", r).increment();
        Timer.builder("ehrflow.listener.ack.latency").tag("code", code.name())
                .publishPercentileHistogram().publishPercentiles(0.5, 0.95, 0.99)
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry).record(elapsed);
    }

    /** A dead letter write finished ({@code ok}) or failed. */
    public void deadLetter(boolean ok) {
        registry.counter("ehrflow.listener.dlq.writes", "outcome", ok ? "ok" : "failed").increment();
    }
}
