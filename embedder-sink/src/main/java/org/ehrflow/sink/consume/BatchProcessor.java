package org.ehrflow.sink.consume;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.ehrflow.embedding.Embedder;
import org.ehrflow.sink.embed.BatchVectors;
import org.ehrflow.sink.error.DlqPublisher;
import org.ehrflow.sink.error.RecordFailure;
import org.ehrflow.sink.store.OffsetStore;
import org.ehrflow.sink.store.PgSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write, isolate, dead-letter template for one batch of both input topics (chunk sets and normalised FHIR
 * records): dead-letters what does not decode (acknowledged before anything else), writes the rest with the next
 * offsets of both topics in one transaction ({@link BatchAttempt}), and when that fails on its data replays the
 * batch record by record so only the culprits reach the DLQ (Debezium's AbstractChangeEventSink pattern).
 */
public final class BatchProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(BatchProcessor.class);
    private static final int PARALLEL_DECODE_MIN = 32;

    private final PgSession pg;
    private final DlqPublisher dlq;
    private final Retrier retrier;
    private final SinkMetrics metrics;
    private final PositionGuard guard;
    private final BatchAttempt attempt;

    public BatchProcessor(PgSession pg, OffsetStore offsets, Embedder embedder, DlqPublisher dlq, Retrier retrier,
            SinkMetrics metrics) {
        this(pg, offsets, List.of(embedder), dlq, retrier, metrics, WriteHooks.NONE);
    }

    /**
     * A processor with the sink's models, primary first: during a re-index the second one is the model being
     * built, which the sink then also writes (dual writes) and which takes over at the switch. {@code hooks}:
     * {@link WriteHooks#NONE} but in fault-injection tests.
     */
    public BatchProcessor(PgSession pg, OffsetStore offsets, List<Embedder> embedders, DlqPublisher dlq,
            Retrier retrier, SinkMetrics metrics, WriteHooks hooks) {
        this.pg = pg;
        this.guard = new PositionGuard(offsets);
        this.dlq = dlq;
        this.retrier = retrier;
        this.metrics = metrics;
        this.attempt = new BatchAttempt(pg, guard, embedders, hooks, metrics);
    }

    /** What this processor committed, checked against PostgreSQL on every new connection. */
    PositionGuard guard() {
        return guard;
    }

    /**
     * {@code partitions} start at the {@code stored} offsets (absent: no stored row yet): what the loop tells the
     * guard on assignment, for drivers that feed batches without a consumer (benchmarks).
     */
    public void assigned(List<TopicPartition> partitions, Map<TopicPartition, Long> stored) {
        guard.assigned(partitions, stored);
    }

    /** The loop sought {@code partitions} back to PostgreSQL's stored offsets. */
    void rewound(int partitions) {
        metrics.offsetRewinds.increment(partitions);
    }

    /** Processes {@code records} (offset order within each partition); returns the next offsets now stored. */
    public Map<TopicPartition, Long> process(List<ConsumerRecord<String, byte[]>> records) {
        // Decoding (JSON Schema validation above all) is pure and the costliest CPU step outside the model:
        // large batches decode on the common pool; toList() keeps the record order.
        List<Decoded> decoded = (records.size() >= PARALLEL_DECODE_MIN ? records.parallelStream() : records.stream())
                .map(r -> FhirRecordDecoder.decodeAny(r.topic(), r.key(), r.value())).toList();
        List<DlqPublisher.Keyed> rejected = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (decoded.get(i) instanceof Decoded.Rejected x) {
                rejected.add(SinkDeadLetters.of(records.get(i), null, x.reasonCode(), x.cause()));
            }
        }
        Map<TopicPartition, Long> next = SinkDeadLetters.nextOffsets(records);
        send(rejected);
        rejected.forEach(k -> metrics.deadLettered(k.letter().reasonCode()));
        List<Decoded> applied = decoded.stream().filter(d -> !(d instanceof Decoded.Rejected)).toList();
        BatchVectors vectors = new BatchVectors();
        try {
            writeOnce("the batch write", vectors, applied, next);
        } catch (RecordFailure f) {
            LOG.warn("batch of {} records failed with {}; retrying record by record", records.size(), f.getMessage());
            metrics.batchesSplit.increment();
            perRecord(vectors, records, decoded, next);
        }
        guard.committed(next);
        metrics.batchSize.record(records.size());
        return next;
    }

    /**
     * Writes with retries. Every retry runs on a new connection (the retrier drops the old one), so the guard
     * compares the stored offsets first: a commit whose acknowledgement was lost, or commits the database lost,
     * make it throw {@link PositionGuard.DivergedException} and the loop seeks to what PostgreSQL holds.
     */
    private void writeOnce(String what, BatchVectors vectors, List<Decoded> items, Map<TopicPartition, Long> next) {
        retrier.run(what, () -> {
            guard.check(pg);
            attempt.write(items, next, vectors);
            return null;
        });
    }

    private void perRecord(BatchVectors vectors, List<ConsumerRecord<String, byte[]>> records, List<Decoded> decoded,
            Map<TopicPartition, Long> next) {
        for (int i = 0; i < records.size(); i++) {
            Decoded d = decoded.get(i);
            if (d instanceof Decoded.Rejected) {
                continue;
            }
            ConsumerRecord<String, byte[]> r = records.get(i);
            Map<TopicPartition, Long> own = Map.of(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
            try {
                writeOnce("a record write", vectors, List.of(d), own);
                guard.committed(own); // a rejected record's reconnect must not take this commit for a divergence
            } catch (RecordFailure f) {
                LOG.warn("record {}-{}@{} rejected: {}", r.topic(), r.partition(), r.offset(), f.getMessage());
                send(List.of(SinkDeadLetters.of(r, d, f.reasonCode(), f.getCause())));
                metrics.deadLettered(f.reasonCode());
            }
        }
        retrier.run("the offset write", () -> {
            guard.check(pg);
            Connection c = pg.get();
            guard.advance(c, next);
            c.commit();
            return null;
        });
    }

    private void send(List<DlqPublisher.Keyed> letters) {
        retrier.run("the DLQ send", () -> {
            dlq.sendAll(letters);
            return null;
        });
    }
}
