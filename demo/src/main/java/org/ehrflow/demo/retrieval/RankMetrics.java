package org.ehrflow.demo.retrieval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Accumulates the benchmark's metrics over questions: recall@1/5/10 (a relevant hit at or above the rank), MRR
 * (over the top 10), nDCG@10 (binary gains; the ideal list holds as many relevant rows as the index has, up to
 * 10), the share of top-10 slots holding a text already shown higher up (case and spacing ignored), and query latency
 * percentiles.
 */
final class RankMetrics {

    private int questions;
    private int at1;
    private int at5;
    private int at10;
    private double reciprocal;
    private double ndcg;
    private int slots;
    private int duplicateSlots;
    private final List<Long> latenciesNanos = new ArrayList<>();

    /**
     * @param relevantInIndex how many rows of the patient's index are relevant (for the ideal DCG); at least 1
     *                        is assumed so a question whose answer was not indexed counts as a miss, not a skip
     */
    void add(Question q, List<Hit> ranked, int relevantInIndex, long latencyNanos) {
        questions++;
        latenciesNanos.add(latencyNanos);
        int first = 0;
        double dcg = 0;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < Math.min(10, ranked.size()); i++) {
            Hit h = ranked.get(i);
            slots++;
            if (!seen.add(Relevance.normal(h.text()))) {
                duplicateSlots++;
            }
            if (Relevance.relevant(q, h)) {
                dcg += 1 / log2(i + 2);
                if (first == 0) {
                    first = i + 1;
                }
            }
        }
        double ideal = 0;
        for (int i = 0; i < Math.min(10, Math.max(1, relevantInIndex)); i++) {
            ideal += 1 / log2(i + 2);
        }
        ndcg += dcg / ideal;
        if (first > 0) {
            reciprocal += 1.0 / first;
            at1 += first <= 1 ? 1 : 0;
            at5 += first <= 5 ? 1 : 0;
            at10 += 1;
        }
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    int questions() {
        return questions;
    }

    double recallAt1() {
        return share(at1);
    }

    double recallAt5() {
        return share(at5);
    }

    double recallAt10() {
        return share(at10);
    }

    double mrr() {
        return questions == 0 ? 0 : reciprocal / questions;
    }

    double ndcgAt10() {
        return questions == 0 ? 0 : ndcg / questions;
    }

    double duplicateShare() {
        return slots == 0 ? 0 : (double) duplicateSlots / slots;
    }

    /** Latency percentile in milliseconds (nearest rank). */
    double latencyMillis(double percentile) {
        if (latenciesNanos.isEmpty()) {
            return 0;
        }
        long[] sorted = latenciesNanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        int idx = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6;
    }

    private double share(int n) {
        return questions == 0 ? 0 : (double) n / questions;
    }
}
