package org.ehrflow.demo.retrieval;

import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ehrflow.embedding.Embedder;

/**
 * Asks every question of the set with one method and accumulates its metrics, overall and per style (named vs
 * clinician phrasing) and category.
 */
final class Evaluation {

    /** The metrics of one method: "all", "style:named", "category:lab", ... */
    final Map<String, RankMetrics> groups = new LinkedHashMap<>();

    static Evaluation run(Connection c, Searcher method, List<Question> questions, QueryVectors vectors,
            RelevantCounts relevant, int k) throws Exception {
        Evaluation e = new Evaluation();
        // Warm-up: the first statements of a session plan and cache; not measured.
        for (int i = 0; i < Math.min(10, questions.size()); i++) {
            Question q = questions.get(i);
            method.search(c, q.patient(), q.question(), vectors.of(q), k);
        }
        for (Question q : questions) {
            float[] v = vectors.of(q);
            long t0 = System.nanoTime();
            List<Hit> hits = method.search(c, q.patient(), q.question(), v, k);
            long took = System.nanoTime() - t0;
            int rel = relevant.count(q);
            e.group("all").add(q, hits, rel, took);
            e.group("style:" + q.style()).add(q, hits, rel, took);
            e.group("category:" + q.category()).add(q, hits, rel, took);
        }
        return e;
    }

    private RankMetrics group(String name) {
        return groups.computeIfAbsent(name, n -> new RankMetrics());
    }

    /** Query vectors embedded once per question and model (the model's query instruction included). */
    static final class QueryVectors {
        private final Map<String, float[]> byId = new LinkedHashMap<>();
        private final Embedder embedder;

        QueryVectors(Embedder embedder) {
            this.embedder = embedder;
        }

        float[] of(Question q) {
            return byId.computeIfAbsent(q.id(), id -> embedder.embedQuery(q.question()));
        }
    }
}
