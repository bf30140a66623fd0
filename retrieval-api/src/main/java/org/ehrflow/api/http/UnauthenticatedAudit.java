package org.ehrflow.api.http;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.ehrflow.api.audit.AuditRecord;

/**
 * Requests refused before authentication (no or a bad token: 401, and the 429 of the failed-login limit) name no
 * client and carry no data, and anyone can send them: one audit record each would let a flood grow the log
 * without bound. Per address and window (a minute by default) the first is audited as it comes; the others are
 * counted and written as one record when the window ends ({@code request_count} = how many, reason
 * {@value #REASON}, endpoint and status of the last). At most two records per address and window.
 */
final class UnauthenticatedAudit implements AutoCloseable {

    static final String REASON = "unauthenticated_repeated";
    // addresses tracked at once; past that every open window is written out early (bounded memory)
    private static final int MAX_ADDRESSES = 10_000;

    private record Window(long start, String endpoint, int status, int counted) {
    }

    private final Map<String, Window> windows = new HashMap<>();
    private final long windowMs;
    private final Clock clock;
    private final Consumer<AuditRecord> sink;
    private final ScheduledExecutorService flusher;

    UnauthenticatedAudit(Duration window, Clock clock, Consumer<AuditRecord> sink, boolean background) {
        this.windowMs = window.toMillis();
        this.clock = clock;
        this.sink = sink;
        if (background) {
            this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "audit-unauthenticated");
                t.setDaemon(true);
                return t;
            });
            long tick = Math.min(1_000, windowMs);
            flusher.scheduleAtFixedRate(this::flushEnded, tick, tick, TimeUnit.MILLISECONDS);
        } else {
            this.flusher = null;
        }
    }

    /** True when this refusal is to be audited now; false when it was counted into its address's window. */
    synchronized boolean admit(String address, String endpoint, int status) {
        long now = clock.millis();
        long start = now - Math.floorMod(now, windowMs);
        Window w = windows.get(address);
        if (w != null && w.start() == start) {
            windows.put(address, new Window(start, endpoint, status, w.counted() + 1));
            return false;
        }
        if (w != null) {
            write(w);
        }
        if (windows.size() >= MAX_ADDRESSES) {
            windows.values().forEach(this::write);
            windows.clear();
        }
        windows.put(address, new Window(start, endpoint, status, 0));
        return true;
    }

    /** Writes the count of every window that has ended. */
    synchronized void flushEnded() {
        long now = clock.millis();
        for (Iterator<Window> it = windows.values().iterator(); it.hasNext();) {
            Window w = it.next();
            if (w.start() + windowMs <= now) {
                write(w);
                it.remove();
            }
        }
    }

    private void write(Window w) {
        if (w.counted() > 0) {
            sink.accept(new AuditRecord(clock.instant(), UUID.randomUUID(), w.endpoint(), null, null, List.of(), null,
                    null, null, null, null, null, List.of(), List.of(), 0, w.status(), "REFUSED", REASON, 0,
                    w.counted()));
        }
    }

    /** Writes every open window's count (a stop loses none). */
    @Override
    public synchronized void close() {
        if (flusher != null) {
            flusher.shutdownNow();
        }
        windows.values().forEach(this::write);
        windows.clear();
    }
}
