package org.ehrflow.cdc.capture;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * Turns samples of (time, current WAL position, slot's confirmed position) into the slot's lag in bytes and in
 * seconds. PostgreSQL has no time for an LSN, so the seconds are how long ago the WAL first stood past the
 * confirmed position, at the resolution of the sampling interval (a lower bound).
 */
final class SlotLag {

    private static final int MAX_SAMPLES = 10_000;

    private record Sample(Instant at, long lsn) {
    }

    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private long bytes;
    private double seconds;

    /** Records one sample; afterwards {@link #bytes()} and {@link #seconds()} describe it. */
    synchronized void observe(Instant now, long currentLsn, long confirmedLsn) {
        samples.addLast(new Sample(now, currentLsn));
        if (samples.size() > MAX_SAMPLES) {
            samples.removeFirst();
        }
        // Samples at or below the confirmed position are history, except the newest such one.
        while (samples.size() > 1 && samples.peekFirst().lsn() <= confirmedLsn) {
            samples.removeFirst();
        }
        bytes = Math.max(0, currentLsn - confirmedLsn);
        Sample oldest = samples.peekFirst();
        seconds = bytes == 0 || oldest.lsn() <= confirmedLsn ? 0.0
                : Duration.between(oldest.at(), now).toMillis() / 1000.0;
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized double seconds() {
        return seconds;
    }
}
