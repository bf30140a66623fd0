package org.ehrflow.normalizer.topology;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import org.ehrflow.schemas.SourceType;

/**
 * The normaliser's counters. Labels are codes only (source, resource type, reason): never identifiers or keys.
 * {@code ehrflow_normalizer_records_in_total{source}}, {@code ..._records_out_total{source,resource_type,op}},
 * {@code ..._records_dlq_total{source,reason}}, {@code ..._resources_skipped_total{source,resource_type}},
 * {@code ..._records_parked_total{source}}, {@code ..._records_released_total{source}},
 * {@code ..._segments_unmapped_total{source,segment}} (HL7 segments with content no mapping covers).
 */
public final class NormalizerMetrics {

    private final MeterRegistry registry;

    public NormalizerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void in(SourceType source) {
        registry.counter("ehrflow.normalizer.records.in", "source", tag(source)).increment();
    }

    void out(SourceType source, String resourceType, String op) {
        registry.counter("ehrflow.normalizer.records.out", "source", tag(source), "resource_type", resourceType,
                "op", op).increment();
    }

    void dlq(SourceType source, String reason) {
        registry.counter("ehrflow.normalizer.records.dlq", "source", tag(source), "reason", reason).increment();
    }

    void skipped(SourceType source, String resourceType, int count) {
        registry.counter("ehrflow.normalizer.resources.skipped", "source", tag(source), "resource_type", resourceType)
                .increment(count);
    }

    void unmapped(SourceType source, String segment, int count) {
        registry.counter("ehrflow.normalizer.segments.unmapped", "source", tag(source), "segment", segment)
                .increment(count);
    }

    void parked(SourceType source) {
        registry.counter("ehrflow.normalizer.records.parked", "source", tag(source)).increment();
    }

    void released(SourceType source) {
        registry.counter("ehrflow.normalizer.records.released", "source", tag(source)).increment();
    }

    private static String tag(SourceType s) {
        return s.name().toLowerCase(Locale.ROOT);
    }
}
