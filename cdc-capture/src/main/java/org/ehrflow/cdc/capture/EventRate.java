package org.ehrflow.cdc.capture;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Events per second over a sliding window of whole seconds, for a gauge: a scrape between Prometheus rate()
 * windows (or a plain /metrics reader) sees the current throughput without computing it.
 */
final class EventRate {

    private final int windowSeconds;
    private final long[] counts;
    private final long[] secondOf;
    private final LongSupplier nanos;

    EventRate(int windowSeconds, LongSupplier nanos) {
        this.windowSeconds = windowSeconds;
        this.counts = new long[windowSeconds];
        this.secondOf = new long[windowSeconds];
        this.nanos = nanos;
    }

    synchronized void add(long n) {
        long second = TimeUnit.NANOSECONDS.toSeconds(nanos.getAsLong());
        int slot = (int) Math.floorMod(second, (long) windowSeconds);
        if (secondOf[slot] != second) {
            secondOf[slot] = second;
            counts[slot] = 0;
        }
        counts[slot] += n;
    }

    /** Events per second over the last {@code windowSeconds} complete and current seconds. */
    synchronized double perSecond() {
        long now = TimeUnit.NANOSECONDS.toSeconds(nanos.getAsLong());
        long sum = 0;
        for (int i = 0; i < windowSeconds; i++) {
            if (now - secondOf[i] < windowSeconds) {
                sum += counts[i];
            }
        }
        return (double) sum / windowSeconds;
    }
}
