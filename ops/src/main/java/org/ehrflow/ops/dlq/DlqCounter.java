package org.ehrflow.ops.dlq;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Counts DLQ records per topic and reason code, incrementally: each call reads only what arrived since the
 * last. Counts cover what was retained when the ops app started plus everything since (retention does not
 * lower them), so growth is what alerts look at.
 */
public final class DlqCounter {

    private final DlqScanner scanner;
    private final List<String> topics;
    private final Map<TopicPartition, Long> next = new HashMap<>();
    private final Map<String, Map<String, Long>> counts = new TreeMap<>();

    public DlqCounter(DlqScanner scanner, List<String> topics) {
        this.scanner = scanner;
        this.topics = List.copyOf(topics);
    }

    /** Reads new DLQ records and returns the counts: topic -> reason -> records. */
    public synchronized Map<String, Map<String, Long>> update() {
        next.putAll(scanner.scan(scanner.partitions(topics), next,
                e -> counts.computeIfAbsent(e.topic(), t -> new TreeMap<>()).merge(e.reason(), 1L, Long::sum)));
        Map<String, Map<String, Long>> copy = new TreeMap<>();
        counts.forEach((t, m) -> copy.put(t, Map.copyOf(m)));
        return copy;
    }
}
