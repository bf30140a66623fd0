package org.ehrflow.cdc.capture;

import java.time.Instant;

/**
 * The capture's view of its slot's lag in bytes and seconds: runtime's {@link org.ehrflow.runtime.slot.SlotLag}
 * (the one implementation, shared with ops' external watch) fed with instants.
 */
final class SlotLag {

    private final org.ehrflow.runtime.slot.SlotLag lag = new org.ehrflow.runtime.slot.SlotLag();

    /** Records one sample; afterwards {@link #bytes()} and {@link #seconds()} describe it. */
    void observe(Instant now, long currentLsn, long confirmedLsn) {
        lag.observe(now.toEpochMilli(), currentLsn, confirmedLsn);
    }

    long bytes() {
        return lag.bytes();
    }

    double seconds() {
        return lag.seconds();
    }
}
