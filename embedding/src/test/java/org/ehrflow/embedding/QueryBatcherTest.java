package org.ehrflow.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Dynamic batching of questions: the right vector for each caller, fewer model calls, failures to every caller. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QueryBatcherTest {

    /** A deterministic test model: the vector of a text is its length and its hash; counts its calls. */
    private static final class CountingModel implements Embedder {
        final List<Integer> callSizes = new CopyOnWriteArrayList<>();
        final CountDownLatch release;
        volatile boolean fail;

        CountingModel(CountDownLatch release) {
            this.release = release;
        }

        @Override
        public List<float[]> embed(List<String> texts) {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            callSizes.add(texts.size());
            if (fail) {
                throw new IllegalStateException("model failed");
            }
            List<float[]> out = new ArrayList<>();
            texts.forEach(t -> out.add(new float[] {t.length(), t.hashCode()}));
            return out;
        }

        @Override
        public float[] embedQuery(String question) {
            return embed(List.of("q:" + question)).get(0);
        }

        @Override
        public List<float[]> embedQueries(List<String> questions) {
            return embed(questions.stream().map(q -> "q:" + q).toList());
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
    void concurrentQuestionsShareModelCallsAndEachGetsItsOwnVector() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountingModel model = new CountingModel(release);
        ExecutorService callers = Executors.newFixedThreadPool(16);
        try (QueryBatcher batcher = new QueryBatcher(model, 8, Duration.ofMillis(5))) {
            List<Future<float[]>> answers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String q = "question number " + i;
                answers.add(callers.submit(() -> batcher.embedQuery(q)));
            }
            Thread.sleep(200); // every caller is waiting: the first call is held, the rest queue up
            release.countDown();
            for (int i = 0; i < 16; i++) {
                String expected = "q:question number " + i;
                assertThat(answers.get(i).get(10, TimeUnit.SECONDS))
                        .containsExactly(expected.length(), expected.hashCode());
            }
            assertThat(model.callSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(16);
            assertThat(model.callSizes).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(8));
            assertThat(model.callSizes.size()).as("fewer calls than questions").isLessThanOrEqualTo(4);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aLoneQuestionIsAnsweredAndEqualsTheUnbatchedVector() {
        CountingModel model = new CountingModel(new CountDownLatch(0));
        try (QueryBatcher batcher = new QueryBatcher(model, 32, Duration.ofMillis(2))) {
            assertThat(batcher.embedQuery("is the fever gone")).containsExactly(model.embedQuery("is the fever gone"));
            assertThat(batcher.modelName()).isEqualTo("counting");
        }
    }

    @Test
    void aModelFailureReachesEveryCallerOfThatCall() {
        CountingModel model = new CountingModel(new CountDownLatch(0));
        model.fail = true;
        try (QueryBatcher batcher = new QueryBatcher(model, 4, Duration.ZERO)) {
            assertThatThrownBy(() -> batcher.embedQuery("x")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("model failed");
        }
    }

    @Test
    void eachInferencesCallersAreAnsweredWhenItIsDoneNotAtTheEndOfTheBatch() throws Exception {
        CountDownLatch secondInference = new CountDownLatch(1);
        AtomicInteger inferences = new AtomicInteger();
        Embedder model = new Embedder() {
            @Override
            public List<float[]> embed(List<String> texts) {
                if (inferences.incrementAndGet() == 2) {
                    try {
                        secondInference.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return texts.stream().map(t -> new float[] {t.length()}).toList();
            }

            @Override
            public List<float[]> embedQueries(List<String> questions) {
                return embed(questions);
            }

            @Override
            public int inferenceBatch() {
                return 2;
            }

            @Override
            public String modelName() {
                return "pairs";
            }

            @Override
            public int dimensions() {
                return 1;
            }

            @Override
            public void close() {
            }
        };
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try (QueryBatcher batcher = new QueryBatcher(model, 8, Duration.ofMillis(300))) {
            List<Future<float[]>> answers = new ArrayList<>();
            for (String q : List.of("a", "bb", "ccc", "dddd")) {
                answers.add(callers.submit(() -> batcher.embedQuery(q)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (answers.stream().noneMatch(Future::isDone) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(100); // the second inference is held: nothing else may finish meanwhile
            long done = answers.stream().filter(Future::isDone).count();
            assertThat(done).as("the first inference's callers, while the second is held").isBetween(1L, 2L);
            secondInference.countDown();
            for (int i = 0; i < 4; i++) {
                assertThat(answers.get(i).get(10, TimeUnit.SECONDS)).containsExactly(i + 1);
            }
            assertThat(inferences.get()).isGreaterThanOrEqualTo(2);
        } finally {
            callers.shutdownNow();
        }
    }
}
