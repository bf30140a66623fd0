package org.ehrflow.gateway.subscription;

import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Event numbers already ingested, per subscription: a notification re-sent by the EHR (its retry after a lost
 * answer, a replay through {@code $events}) is acknowledged without producing again. Events are marked only after
 * the broker acknowledged their records. In memory and bounded to the newest {@code keep} numbers per
 * subscription: after a restart a re-sent event is ingested again, which downstream ids make an update.
 */
public final class EventLog {

    private final int keep;
    private final Map<String, NavigableSet<Long>> seen = new ConcurrentHashMap<>();

    public EventLog(int keep) {
        this.keep = keep;
    }

    public boolean seen(String subscription, long event) {
        NavigableSet<Long> s = seen.get(subscription);
        return s != null && s.contains(event);
    }

    public void mark(String subscription, long event) {
        NavigableSet<Long> s = seen.computeIfAbsent(subscription, k -> new ConcurrentSkipListSet<>());
        s.add(event);
        while (s.size() > keep) {
            s.pollFirst();
        }
    }

    /** The highest event number ingested for {@code subscription}, or -1. */
    public long highest(String subscription) {
        NavigableSet<Long> s = seen.get(subscription);
        return s == null || s.isEmpty() ? -1 : s.last();
    }
}
