package org.ehrflow.ops.canary;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The canary's meters, per source: {@code ehrflow.canary.freshness} (injection to searchable, p50/p99 over about
 * ten minutes), {@code ehrflow.canary.lost} (not searchable within the timeout), {@code ehrflow.canary.failed}
 * (injection failed: the source was unreachable).
 */
public final class CanaryMetrics {

    private final Map<CanaryConfig.Source, Timer> freshness = new EnumMap<>(CanaryConfig.Source.class);
    private final Map<CanaryConfig.Source, Counter> lost = new EnumMap<>(CanaryConfig.Source.class);
    private final Map<CanaryConfig.Source, Counter> failed = new EnumMap<>(CanaryConfig.Source.class);

    public CanaryMetrics(MeterRegistry registry) {
        for (CanaryConfig.Source s : CanaryConfig.Source.values()) {
            String tag = s.name().toLowerCase(Locale.ROOT);
            freshness.put(s, Timer.builder("ehrflow.canary.freshness").tag("source", tag)
                    .description("canary event injected to searchable")
                    // Client-side quantiles (a summary): one canary per interval is too few for useful buckets.
                    .publishPercentiles(0.5, 0.99).distributionStatisticExpiry(Duration.ofMinutes(10))
                    .distributionStatisticBufferLength(3).register(registry));
            lost.put(s, Counter.builder("ehrflow.canary.lost").tag("source", tag)
                    .description("canary events not searchable within the timeout").register(registry));
            failed.put(s, Counter.builder("ehrflow.canary.failed").tag("source", tag)
                    .description("canary injections that failed").register(registry));
        }
    }

    public void searchable(CanaryConfig.Source s, Duration took) {
        freshness.get(s).record(took);
    }

    public void lost(CanaryConfig.Source s) {
        lost.get(s).increment();
    }

    public void failed(CanaryConfig.Source s) {
        failed.get(s).increment();
    }

    public Timer freshness(CanaryConfig.Source s) {
        return freshness.get(s);
    }
}
