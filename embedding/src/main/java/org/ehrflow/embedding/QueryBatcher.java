package org.ehrflow.embedding;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Dynamic batching of search questions, as inference servers do it: concurrent callers of {@link #embedQuery}
 * each hand over one question, and one thread embeds whatever is waiting in a single model call (up to
 * {@code maxBatch}, waiting at most {@code maxWait} for company once the first arrives). On a few cores, one
 * call over 16 questions costs far less than 16 concurrent calls fighting for the same threads. A lone caller
 * pays at most {@code maxWait} extra. The vectors are the delegate's own ({@link Embedder#embedQuery}'s
 * instruction prefix included), so results equal unbatched ones. Callers are answered per inference
 * ({@link Embedder#inferenceBatch}); for a model that runs one text per inference (the INT8 default) nobody waits
 * for company and the thread only serialises the questions on one core.
 */
public final class QueryBatcher extends ForwardingEmbedder {

    private record Pending(String question, CompletableFuture<float[]> vector) {
    }

    private static final Pending STOP = new Pending(null, null);

    private final int maxBatch;
    private final long maxWaitNanos;
    private final BlockingQueue<Pending> queue;
    private final Thread worker;

    public QueryBatcher(Embedder delegate, int maxBatch, Duration maxWait) {
        super(delegate);
        if (maxBatch < 1 || maxWait.isNegative()) {
            throw new IllegalArgumentException("maxBatch must be >= 1 and maxWait >= 0");
        }
        this.maxBatch = maxBatch;
        // a model that runs one text per inference gains nothing from company: no question waits for it
        this.maxWaitNanos = delegate.inferenceBatch() > 1 ? maxWait.toNanos() : 0;
        this.queue = new ArrayBlockingQueue<>(Math.max(1024, maxBatch * 8));
        this.worker = new Thread(this::run, "query-batcher");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /** The query vector of {@code question}, embedded together with whatever other questions are waiting. */
    @Override
    public float[] embedQuery(String question) {
        Pending p = new Pending(question, new CompletableFuture<>());
        try {
            queue.put(p);
            return p.vector().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while embedding a question", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the query embedder did not answer within 60 s", e);
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        try {
            while (true) {
                Pending first = queue.take();
                if (first == STOP) {
                    return;
                }
                batch.add(first);
                long deadline = System.nanoTime() + maxWaitNanos;
                boolean stop = false;
                while (batch.size() < maxBatch) {
                    long left = deadline - System.nanoTime();
                    Pending next = left <= 0 ? queue.poll() : queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    if (next == STOP) {
                        stop = true;
                        break;
                    }
                    batch.add(next);
                }
                embedBatch(batch);
                batch.clear();
                if (stop) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            batch.forEach(p -> p.vector().completeExceptionally(new IllegalStateException("embedder closed")));
        } finally {
            Pending p = queue.poll();
            while (p != null) {
                if (p != STOP) {
                    p.vector().completeExceptionally(new IllegalStateException("embedder closed"));
                }
                p = queue.poll();
            }
        }
    }

    /**
     * Embeds the waiting questions one inference at a time and answers each inference's callers as soon as it is
     * done: a model that runs one text per inference (INT8) would otherwise make the first of 16 waiting questions
     * wait for all 16 (measured with the search's database on its own core: 3% less throughput in the median of
     * eight paired rounds, up to 11% in one; BENCHMARKS.md "Retrieval API, session 7").
     */
    private void embedBatch(List<Pending> batch) {
        int step = Math.max(1, delegate.inferenceBatch());
        for (int from = 0; from < batch.size(); from += step) {
            List<Pending> part = batch.subList(from, Math.min(batch.size(), from + step));
            try {
                List<float[]> vectors = delegate.embedQueries(part.stream().map(Pending::question).toList());
                for (int i = 0; i < part.size(); i++) {
                    part.get(i).vector().complete(vectors.get(i));
                }
            } catch (RuntimeException e) {
                part.forEach(p -> p.vector().completeExceptionally(e));
            }
        }
    }

    /** Stops the worker after the questions already handed over; the delegate stays open (the caller owns it). */
    @Override
    public void close() {
        try {
            queue.put(STOP);
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.interrupt();
        }
    }
}
