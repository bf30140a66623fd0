package org.ehrflow.listener.hl7;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Fresh ACK control ids: a per-process prefix (start time, base 36) plus a counter, at most 20 characters so
 * they fit MSH-10 in every version (ST 20 before v2.5). Unique per listener process.
 */
public final class AckIds implements Supplier<String> {

    private final String prefix;
    private final AtomicLong counter = new AtomicLong();

    public AckIds(long startMillis) {
        this.prefix = "L" + Long.toString(startMillis, 36).toUpperCase(Locale.ROOT) + "-";
    }

    @Override
    public String get() {
        return prefix + Long.toString(counter.incrementAndGet(), 36).toUpperCase(Locale.ROOT);
    }
}
