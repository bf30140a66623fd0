package org.ehrflow.ops.status;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/** The last measurements of each stage's worst lag in seconds (freshness), for the status page's chart. */
public final class History {

    /** One point in time: worst lag seconds per stage. */
    public record Point(Instant at, Map<String, Double> secondsByStage) {
    }

    private final int capacity;
    private final Deque<Point> points = new ArrayDeque<>();

    public History(int capacity) {
        this.capacity = capacity;
    }

    public synchronized void add(Point p) {
        points.addLast(p);
        while (points.size() > capacity) {
            points.removeFirst();
        }
    }

    public synchronized List<Point> points() {
        return List.copyOf(points);
    }
}
