package org.ehrflow.ops.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import org.ehrflow.ops.OpsSnapshot;
import org.ehrflow.ops.lag.PartitionLag;

/**
 * Exports a snapshot as Prometheus gauges. Labels are stage, topic, partition, reason code and slot name only:
 * no patient keys, identifiers or payload text.
 */
public final class OpsMetrics {

    private final MeterRegistry registry;
    private final MultiGauge lagOffsets;
    private final MultiGauge lagSeconds;
    private final MultiGauge dlqDepth;
    private final MultiGauge dlqRecords;
    private final MultiGauge slotBytes;
    private final MultiGauge slotSeconds;
    private final MultiGauge slotActive;
    private final MultiGauge heartbeatAge;

    public OpsMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.lagOffsets = gauge("ehrflow.lag.offsets", "records a stage has not processed, per input partition");
        this.lagSeconds = gauge("ehrflow.lag.seconds", "age of the oldest record a stage has not processed");
        this.dlqDepth = gauge("ehrflow.dlq.depth", "records retained in a DLQ topic");
        this.dlqRecords = gauge("ehrflow.dlq.records", "DLQ records seen per topic and reason code");
        this.slotBytes = gauge("ehrflow.ops.cdc.slot.lag.bytes", "WAL bytes the CDC slot has not confirmed");
        this.slotSeconds = gauge("ehrflow.ops.cdc.slot.lag.seconds",
                "age of the oldest WAL the CDC slot has not confirmed");
        this.slotActive = gauge("ehrflow.ops.cdc.slot.active",
                "1 when a client is attached to the CDC slot, else 0");
        this.heartbeatAge = gauge("ehrflow.ops.cdc.heartbeat.age.seconds",
                "age of the capture's last heartbeat write");
    }

    private MultiGauge gauge(String name, String help) {
        return MultiGauge.builder(name).description(help).register(registry);
    }

    /** Counts a measurement that failed, by source (kafka, sink-db, ehr-db, dlq). */
    public void failed(String source) {
        registry.counter("ehrflow.ops.measure.failures", "source", source).increment();
    }

    public void update(OpsSnapshot s) {
        List<MultiGauge.Row<?>> off = new ArrayList<>();
        List<MultiGauge.Row<?>> sec = new ArrayList<>();
        for (PartitionLag l : s.lags()) {
            Tags t = Tags.of("stage", l.stage(), "topic", l.topic(), "partition", Integer.toString(l.partition()));
            off.add(MultiGauge.Row.of(t, l.lagOffsets()));
            sec.add(MultiGauge.Row.of(t, l.lagSeconds()));
        }
        lagOffsets.register(off, true);
        lagSeconds.register(sec, true);
        List<MultiGauge.Row<?>> depth = new ArrayList<>();
        s.dlqDepth().forEach((topic, n) -> depth.add(MultiGauge.Row.of(Tags.of("topic", topic), n)));
        dlqDepth.register(depth, true);
        List<MultiGauge.Row<?>> recs = new ArrayList<>();
        s.dlqCounts().forEach((topic, byReason) -> byReason.forEach((reason, n) ->
                recs.add(MultiGauge.Row.of(Tags.of("topic", topic, "reason", reason), n))));
        dlqRecords.register(recs, true);
        if (s.slot() != null) {
            Tags t = Tags.of("slot", s.slot().slot());
            // A missing slot reads as inactive, so the "slot down" alert fires for it too.
            slotActive.register(List.of(MultiGauge.Row.of(t, s.slot().active() ? 1 : 0)), true);
        }
        if (s.slot() != null && s.slot().exists()) {
            Tags t = Tags.of("slot", s.slot().slot());
            slotBytes.register(List.of(MultiGauge.Row.of(t, s.slot().lagBytes())), true);
            slotSeconds.register(List.of(MultiGauge.Row.of(t, s.slot().lagSeconds())), true);
            heartbeatAge.register(s.slot().heartbeatAgeSeconds() < 0 ? List.of()
                    : List.of(MultiGauge.Row.of(t, s.slot().heartbeatAgeSeconds())), true);
        }
    }
}
