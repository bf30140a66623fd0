package org.ehrflow.sink.consume;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.ehrflow.embedding.Embedder;
import org.ehrflow.runtime.DeadLetters;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.Topics;
import org.ehrflow.sink.embed.VectorPlanner;
import org.ehrflow.sink.error.DlqPublisher;
import org.ehrflow.sink.error.ReasonCodes;
import org.ehrflow.sink.error.RecordFailure;
import org.ehrflow.sink.error.Retrier;
import org.ehrflow.sink.store.ChunkStore;
import org.ehrflow.sink.store.OffsetStore;
import org.ehrflow.sink.store.PgSession;
import org.ehrflow.sink.store.SourceRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one batch of chunk-topic records: dead-letters what does not decode (acknowledged before anything
 * else), embeds what changed, and writes rows, watermarks and next offsets in one PostgreSQL transaction. A batch
 * that fails on its data is replayed record by record so only the culprits reach the DLQ (Debezium's
 * AbstractChangeEventSink pattern).
 */
public final class BatchProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(BatchProcessor.class);

    private final PgSession pg;
    private final ChunkStore store;
    private final OffsetStore offsets;
    private final Embedder embedder;
    private final DlqPublisher dlq;
    private final Retrier retrier;
    private final SinkMetrics metrics;

    public BatchProcessor(PgSession pg, OffsetStore offsets, Embedder embedder, DlqPublisher dlq, Retrier retrier,
            SinkMetrics metrics) {
        this.pg = pg;
        this.store = new ChunkStore();
        this.offsets = offsets;
        this.embedder = embedder;
        this.dlq = dlq;
        this.retrier = retrier;
        this.metrics = metrics;
    }

    /** Processes {@code records} (offset order within each partition); returns the next offsets now stored. */
    public Map<TopicPartition, Long> process(List<ConsumerRecord<String, byte[]>> records) {
        List<Item> items = new ArrayList<>(records.size());
        List<DlqPublisher.Keyed> rejected = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            Decoded d = ChunkSetDecoder.decode(r.key(), r.value());
            items.add(new Item(r, d));
            if (d instanceof Decoded.Rejected x) {
                rejected.add(letter(r, null, x.reasonCode(), x.cause()));
            }
        }
        Map<TopicPartition, Long> next = nextOffsets(records);
        retrier.run("the DLQ send", () -> {
            dlq.sendAll(rejected);
            return null;
        });
        rejected.forEach(k -> metrics.deadLettered(k.letter().reasonCode()));
        List<ChunkSet> sets = items.stream().map(Item::set).filter(s -> s != null).toList();
        VectorPlanner planner = new VectorPlanner();
        try {
            retrier.run("the batch write", () -> write(planner, sets, next));
        } catch (RecordFailure f) {
            LOG.warn("batch of {} records failed with {}; retrying record by record", records.size(), f.getMessage());
            perRecord(planner, items, next);
        }
        metrics.batchSize.record(records.size());
        return next;
    }

    private void perRecord(VectorPlanner planner, List<Item> items, Map<TopicPartition, Long> next) {
        for (Item it : items) {
            if (it.set() == null) {
                continue;
            }
            ConsumerRecord<String, byte[]> r = it.record();
            Map<TopicPartition, Long> own = Map.of(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
            try {
                retrier.run("a record write", () -> write(planner, List.of(it.set()), own));
            } catch (RecordFailure f) {
                LOG.warn("record {}-{}@{} rejected: {}", r.topic(), r.partition(), r.offset(), f.getMessage());
                DlqPublisher.Keyed k = letter(r, it.set(), f.reasonCode(), f.getCause());
                retrier.run("the DLQ send", () -> {
                    dlq.sendAll(List.of(k));
                    return null;
                });
                metrics.deadLettered(f.reasonCode());
            }
        }
        retrier.run("the offset write", () -> {
            Connection c = pg.get();
            offsets.save(c, next);
            c.commit();
            return null;
        });
    }

    /** One attempt: look up stored vectors, embed the rest, then one transaction. */
    private Void write(VectorPlanner planner, List<ChunkSet> sets, Map<TopicPartition, Long> next)
            throws java.sql.SQLException {
        Connection c = pg.get();
        Map<SourceRef, ChunkSet> latest = new LinkedHashMap<>();
        for (ChunkSet s : sets) {
            latest.put(new SourceRef(s.patientKey(), s.sourceId()), s); // a later set of a source supersedes
        }
        Map<SourceRef, Map<String, float[]>> stored = store.storedVectors(c, latest.keySet(), embedder.modelName());
        pg.endRead();
        long t0 = System.nanoTime();
        VectorPlanner.Plan plan;
        try {
            plan = planner.plan(new ArrayList<>(latest.values()), stored, embedder::embed);
        } catch (RuntimeException e) {
            throw new RecordFailure(ReasonCodes.EMBEDDING_FAILED, e);
        }
        long t1 = System.nanoTime();
        ChunkStore.Counts counts = store.replace(c, plan.writes(), embedder.modelName());
        store.advanceWatermarks(c, sets);
        offsets.save(c, next);
        c.commit();
        long t2 = System.nanoTime();
        if (plan.embedded() > 0) {
            metrics.embedTime.record(Duration.ofNanos(t1 - t0));
        }
        metrics.transactionTime.record(Duration.ofNanos(t2 - t1));
        metrics.embedded.increment(plan.embedded());
        metrics.reused.increment(plan.reused());
        metrics.rowsWritten.increment(counts.written());
        metrics.rowsDeleted.increment(counts.deleted());
        metrics.chunkSets.increment(sets.size());
        Instant now = Instant.now();
        for (ChunkSet s : sets) {
            Duration age = Duration.between(s.provenance().ingestTime(), now);
            metrics.freshness.record(age.isNegative() ? Duration.ZERO : age); // clock skew between hosts
        }
        return null;
    }

    private static Map<TopicPartition, Long> nextOffsets(List<ConsumerRecord<String, byte[]>> records) {
        Map<TopicPartition, Long> next = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            next.merge(new TopicPartition(r.topic(), r.partition()), r.offset() + 1, Math::max);
        }
        return next;
    }

    private static DlqPublisher.Keyed letter(ConsumerRecord<String, byte[]> r, ChunkSet set, String reason,
            Throwable cause) {
        String messageId = set == null ? null : set.provenance().sourceMessageId();
        return new DlqPublisher.Keyed(r.key(), DeadLetters.of(Topics.APP_EMBEDDER_SINK, reason, cause, r.topic(),
                r.partition(), r.offset(), messageId, r.value()));
    }

    private record Item(ConsumerRecord<String, byte[]> record, Decoded decoded) {
        ChunkSet set() {
            return decoded instanceof Decoded.Accepted a ? a.set() : null;
        }
    }
}
