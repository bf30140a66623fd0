package org.ehrflow.sink.consume;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.ehrflow.schemas.Topics;
import org.ehrflow.sink.error.SinkFatalException;
import org.ehrflow.sink.error.SinkStoppedException;
import org.ehrflow.sink.store.OffsetStore;
import org.ehrflow.sink.store.PgSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll thread: collects records into batches (size or linger, whichever first), hands each to the
 * {@link BatchProcessor}, and seeks to the offsets stored in PostgreSQL (the beginning where none are stored) on
 * partition assignment and whenever a new database connection finds them different from what this sink committed
 * ({@link PositionGuard}). Offsets committed to Kafka afterwards are advisory, for lag tools only.
 */
public final class SinkLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkLoop.class);

    private final Consumer<String, byte[]> consumer;
    private final BatchProcessor processor;
    private final EventPruner pruner;
    private final PgSession pg;
    private final OffsetStore offsets;
    private final Retrier retrier;
    private final int batchSize;
    private final Duration linger;
    private final Duration pollTimeout;
    private final boolean commitToKafka;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<ConsumerRecord<String, byte[]>> buffer = new ArrayList<>();
    private long firstBufferedAt;
    private boolean inPausePoll;
    private volatile Throwable failure;

    public SinkLoop(Consumer<String, byte[]> consumer, BatchProcessor processor, EventPruner pruner, PgSession pg,
            OffsetStore offsets, Retrier retrier, int batchSize, Duration linger, Duration pollTimeout,
            boolean commitToKafka) {
        this.consumer = consumer;
        this.processor = processor;
        this.pruner = pruner;
        this.pg = pg;
        this.offsets = offsets;
        this.retrier = retrier;
        this.batchSize = batchSize;
        this.linger = linger;
        this.pollTimeout = pollTimeout;
        this.commitToKafka = commitToKafka;
    }

    @Override
    public void run() {
        try {
            // Both topics in one group and one transaction per batch: chunk sets and the FHIR records they cite.
            consumer.subscribe(List.of(Topics.CHUNKS.name(), Topics.FHIR_RESOURCES.name()), new SeekToStored());
            retrier.whileWaiting(this::pauseAndPoll);
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(nextPollTimeout())) {
                    if (buffer.isEmpty()) {
                        firstBufferedAt = System.nanoTime();
                    }
                    buffer.add(r);
                }
                if (!buffer.isEmpty() && (buffer.size() >= batchSize
                        || System.nanoTime() - firstBufferedAt >= linger.toNanos())) {
                    try {
                        flush();
                    } catch (PositionGuard.DivergedException e) {
                        rewind(e.stored());
                    }
                }
                if (buffer.isEmpty()) {
                    pruner.housekeeping();
                }
            }
        } catch (WakeupException | SinkStoppedException e) {
            // close() was called: buffered records are dropped uncommitted and re-read from stored offsets.
        } catch (RuntimeException e) {
            SinkFatalException fatal = fatalCause(e);
            if (fatal == null && !running.get()) {
                return; // stopping while the rebalance listener retried; the finally block closes the consumer
            }
            failure = fatal != null ? fatal : e;
            if (fatal != null) {
                LOG.error("embedder-sink stopped: {}", fatal.getMessage());
            } else {
                LOG.error("embedder-sink stopped on an unexpected {}", e.getClass().getName());
            }
        } catch (Error e) {
            failure = e; // reported by isRunning()/failure() rather than dying silently with the thread
            LOG.error("embedder-sink stopped on an unexpected {}", e.getClass().getName());
            throw e;
        } finally {
            running.set(false);
            consumer.close(Duration.ofSeconds(10));
        }
    }

    private Duration nextPollTimeout() {
        if (buffer.isEmpty()) {
            return pollTimeout;
        }
        long left = linger.toNanos() - (System.nanoTime() - firstBufferedAt);
        return Duration.ofNanos(Math.max(0, Math.min(left, pollTimeout.toNanos())));
    }

    private void flush() {
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(buffer);
        buffer.clear();
        Map<TopicPartition, Long> next = processor.process(batch);
        if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused()); // the transient fault is over
        }
        if (commitToKafka) {
            // Advisory copy for lag tools; on assignment the sink seeks to PostgreSQL's offsets, never these.
            Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
            next.forEach((tp, o) -> commit.put(tp, new OffsetAndMetadata(o)));
            consumer.commitAsync(commit, null);
        }
    }

    /**
     * PostgreSQL holds other offsets than this sink committed (it lost commits, or a commit whose acknowledgement
     * was lost did land): drop everything buffered and seek every assigned partition to the stored offset, or
     * to the beginning where none is stored. The database is the source of truth, never the consumer's memory.
     */
    private void rewind(Map<TopicPartition, Long> stored) {
        buffer.clear();
        Set<TopicPartition> assigned = consumer.assignment();
        seekTo(assigned, stored);
        if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
        processor.rewound(assigned.size());
        LOG.warn("PostgreSQL's stored offsets differ from the ones this sink committed (lost commits after a "
                + "database failure?); re-reading {} partitions from the stored offsets", assigned.size());
    }

    /** Seeks {@code partitions} to {@code stored}, or to the beginning where none is stored. */
    private void seekTo(Collection<TopicPartition> partitions, Map<TopicPartition, Long> stored) {
        List<TopicPartition> fresh = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Long o = stored.get(tp);
            if (o == null) {
                fresh.add(tp);
            } else {
                consumer.seek(tp, o);
            }
        }
        if (!fresh.isEmpty()) {
            // No stored offset means nothing of this partition is in PostgreSQL: start at the beginning,
            // whatever Kafka's (advisory) committed offset says.
            consumer.seekToBeginning(fresh);
        }
        processor.guard().assigned(partitions, stored);
    }

    /**
     * While a transient fault lasts (called by the retrier from this thread): pause every assigned partition and
     * poll, so the group membership survives and no new records are fetched. Records of partitions assigned by a
     * rebalance inside this poll are not processed now: their position is rewound so they are read again later.
     */
    private void pauseAndPoll() {
        if (inPausePoll) {
            return; // the rebalance listener's own retry inside this poll
        }
        inPausePoll = true;
        try {
            consumer.pause(consumer.assignment());
            ConsumerRecords<String, byte[]> late = consumer.poll(Duration.ZERO);
            Map<TopicPartition, Long> first = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : late) {
                first.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::min);
            }
            first.forEach(consumer::seek);
            consumer.pause(consumer.assignment());
        } finally {
            inPausePoll = false;
        }
    }

    /** Stops after the current batch; safe from any thread. */
    public void stop() {
        running.set(false);
        consumer.wakeup();
    }

    public boolean isRunning() {
        return running.get();
    }

    /** Why the loop stopped on its own, or null. */
    public Throwable failure() {
        return failure;
    }

    private static SinkFatalException fatalCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SinkFatalException f) {
                return f;
            }
        }
        return null;
    }

    /** Seeks newly assigned partitions to their stored offsets; drops buffered records of revoked ones. */
    private final class SeekToStored implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Set<TopicPartition> gone = new HashSet<>(partitions);
            buffer.removeIf(r -> gone.contains(new TopicPartition(r.topic(), r.partition())));
            processor.guard().revoked(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Map<TopicPartition, Long> stored;
            boolean outer = inPausePoll;
            inPausePoll = true; // inside poll(): the retrier must not poll again while it backs off
            try {
                stored = retrier.run("reading stored offsets", () -> {
                    Map<TopicPartition, Long> m = offsets.load(pg.get(), partitions);
                    pg.endRead();
                    return m;
                });
            } catch (RuntimeException e) {
                throw new KafkaException("cannot read stored offsets", e);
            } finally {
                inPausePoll = outer;
            }
            seekTo(partitions, stored);
            LOG.info("assigned {} partitions: {} at stored offsets, {} from the beginning", partitions.size(),
                    stored.size(), partitions.size() - stored.size());
        }
    }
}
