package org.ehrflow.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The question cache: the model's own vectors, the model skipped on a repeat, bounded, no shared arrays. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueryCacheTest {

    /** A deterministic test model counting the questions it embeds. */
    private static final class CountingModel implements Embedder {
        final AtomicInteger questions = new AtomicInteger();
        final AtomicInteger passages = new AtomicInteger();

        @Override
        public List<float[]> embed(List<String> texts) {
            passages.addAndGet(texts.size());
            return texts.stream().map(t -> new float[] {t.length(), t.hashCode()}).toList();
        }

        @Override
        public float[] embedQuery(String question) {
            questions.incrementAndGet();
            return new float[] {question.length(), ("q:" + question).hashCode()};
        }

        @Override
        public String modelName() {
            return "counting";
        }

        @Override
        public int dimensions() {
            return 2;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aRepeatedQuestionSkipsTheModelAndGetsTheSameVector() {
        CountingModel model = new CountingModel();
        QueryCache cache = new QueryCache(model, 100);
        float[] first = cache.embedQuery("is the cough better");
        float[] again = cache.embedQuery("is the cough better");
        assertThat(again).containsExactly(first).containsExactly(model.embedQuery("is the cough better"));
        assertThat(cache.hits()).isEqualTo(1);
        assertThat(cache.misses()).isEqualTo(1);
        assertThat(model.questions.get()).as("the model saw the question once, plus the direct call").isEqualTo(2);
        assertThat(cache.embedQuery("Is the cough better")).as("exact text: case matters to the model")
                .containsExactly(model.embedQuery("Is the cough better"));
        assertThat(cache.misses()).isEqualTo(2);
    }

    @Test
    void callersCannotChangeACachedVector() {
        QueryCache cache = new QueryCache(new CountingModel(), 10);
        float[] v = cache.embedQuery("fever");
        float[] expected = v.clone();
        v[0] = 99;
        float[] hit = cache.embedQuery("fever");
        hit[1] = 42;
        assertThat(cache.embedQuery("fever")).containsExactly(expected);
    }

    @Test
    void leastRecentlyUsedQuestionsAreEvictedBeyondCapacity() {
        CountingModel model = new CountingModel();
        QueryCache cache = new QueryCache(model, 3);
        cache.embedQuery("a");
        cache.embedQuery("b");
        cache.embedQuery("c");
        cache.embedQuery("a"); // a is now the most recently used; b the least
        cache.embedQuery("d"); // evicts b
        assertThat(cache.size()).isEqualTo(3);
        int before = model.questions.get();
        cache.embedQuery("a");
        cache.embedQuery("c");
        cache.embedQuery("d");
        assertThat(model.questions.get()).as("a, c, d still cached").isEqualTo(before);
        cache.embedQuery("b");
        assertThat(model.questions.get()).as("b was evicted").isEqualTo(before + 1);
    }

    @Test
    void passagesAreNeverCached() {
        CountingModel model = new CountingModel();
        QueryCache cache = new QueryCache(model, 10);
        cache.embed(List.of("x", "y"));
        cache.embed(List.of("x", "y"));
        assertThat(model.passages.get()).isEqualTo(4);
        assertThat(cache.size()).isZero();
    }

    @Test
    void concurrentCallersAllGetTheirOwnQuestionsVector() throws Exception {
        CountingModel model = new CountingModel();
        QueryCache cache = new QueryCache(model, 16);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> checks = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                String q = "question " + (i % 40); // more questions than entries: hits, misses and evictions
                checks.add(pool.submit(() -> {
                    float[] v = cache.embedQuery(q);
                    return v[0] == q.length() && v[1] == ("q:" + q).hashCode();
                }));
            }
            for (Future<Boolean> f : checks) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(cache.hits() + cache.misses()).isEqualTo(2_000);
            assertThat(cache.size()).isLessThanOrEqualTo(16);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theRealModelsCachedVectorEqualsItsUncachedVectorExactly() {
        try (OnnxEmbedder model = OnnxEmbedder.load(ModelVariant.INT8, 1, OnnxEmbedder.defaultMaxBatch(
                ModelVariant.INT8))) {
            QueryCache cache = new QueryCache(model, 10);
            for (String q : List.of("has the fever gone and is the cough better", "current insulin dose",
                    "any allergy to penicillin?")) {
                float[] direct = model.embedQuery(q);
                assertThat(cache.embedQuery(q)).as("miss").containsExactly(direct);
                assertThat(cache.embedQuery(q)).as("hit").containsExactly(direct);
            }
            assertThat(cache.hits()).isEqualTo(3);
        }
    }
}
