package org.ehrflow.api.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per client: {@code ratePerSecond} sustained, {@code burst} at once. A refused request learns
 * how long to wait (Retry-After). Buckets of clients idle long enough to be full again are dropped, so the map
 * stays as large as the set of active clients.
 */
public final class RateLimiter {

    private static final class Bucket {
        double tokens;
        long lastNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.lastNanos = now;
        }
    }

    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final double perNano;
    private final int burst;
    private final LongSupplier nanoTime;
    private long lastSweep;

    public RateLimiter(int ratePerSecond, int burst, LongSupplier nanoTime) {
        this.perNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.nanoTime = nanoTime;
        this.lastSweep = nanoTime.getAsLong();
    }

    /** 0 when a request of {@code client} may go now; else the seconds to wait before retrying (at least 1). */
    public long tryAcquire(String client) {
        long now = nanoTime.getAsLong();
        sweep(now);
        Bucket b = buckets.computeIfAbsent(client, c -> new Bucket(burst, now));
        synchronized (b) {
            b.tokens = Math.min(burst, b.tokens + (now - b.lastNanos) * perNano);
            b.lastNanos = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - b.tokens) / perNano / 1e9));
        }
    }

    private void sweep(long now) {
        long fullAfter = (long) (burst / perNano);
        synchronized (this) {
            if (now - lastSweep < 60_000_000_000L) {
                return;
            }
            lastSweep = now;
        }
        buckets.entrySet().removeIf(e -> now - e.getValue().lastNanos > fullAfter);
    }
}
