package org.ehrflow.sink.consume;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.ehrflow.embedding.Embedder;
import org.ehrflow.runtime.DeadLetters;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.RecordOp;
import org.ehrflow.schemas.Topics;
import org.ehrflow.sink.embed.ModelRoles;
import org.ehrflow.sink.embed.VectorPlanner;
import org.ehrflow.sink.error.DlqPublisher;
import org.ehrflow.sink.error.ReasonCodes;
import org.ehrflow.sink.error.RecordFailure;
import org.ehrflow.sink.error.Retrier;
import org.ehrflow.sink.error.SinkFatalException;
import org.ehrflow.sink.error.TransientException;
import org.ehrflow.sink.store.ChunkMerge;
import org.ehrflow.sink.store.ChunkStore;
import org.ehrflow.sink.store.EmbeddingModels;
import org.ehrflow.sink.store.EventRetention;
import org.ehrflow.sink.store.MergeAliases;
import org.ehrflow.sink.store.OffsetStore;
import org.ehrflow.sink.store.PgSession;
import org.ehrflow.sink.store.SetWrite;
import org.ehrflow.sink.store.SourceRecordStore;
import org.ehrflow.sink.store.SourceRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one batch of records of both input topics (chunk sets and normalised FHIR records): dead-letters what
 * does not decode (acknowledged before anything else), embeds what changed, and writes chunk rows, merges,
 * source records, watermarks and next offsets of both topics in one PostgreSQL transaction. A batch
 * that fails on its data is replayed record by record so only the culprits reach the DLQ (Debezium's
 * AbstractChangeEventSink pattern).
 */
public final class BatchProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(BatchProcessor.class);
    private static final int PARALLEL_DECODE_MIN = 32;
    static final Duration PRUNE_INTERVAL = Duration.ofMinutes(10);

    private final PgSession pg;
    private final ChunkStore store;
    private final List<Embedder> embedders;
    private EmbeddingModels.Generations lastSeen;
    private final DlqPublisher dlq;
    private final Retrier retrier;
    private final SinkMetrics metrics;
    private final SourceRecordStore sources = new SourceRecordStore();
    private final ChunkMerge merges = new ChunkMerge();
    private final PositionGuard guard;
    private volatile Runnable beforeCommit;
    private volatile Runnable afterLookup;
    private EventRetention retention = new EventRetention(Duration.ZERO, 1);
    private long nextPruneAt = System.nanoTime();

    public BatchProcessor(PgSession pg, OffsetStore offsets, Embedder embedder, DlqPublisher dlq, Retrier retrier,
            SinkMetrics metrics) {
        this(pg, offsets, List.of(embedder), dlq, retrier, metrics);
    }

    /**
     * A processor with the sink's models, primary first: during a re-index the second one is the model being
     * built, which the sink then also writes (dual writes) and which takes over at the switch.
     */
    public BatchProcessor(PgSession pg, OffsetStore offsets, List<Embedder> embedders, DlqPublisher dlq,
            Retrier retrier, SinkMetrics metrics) {
        this.pg = pg;
        this.store = new ChunkStore();
        this.guard = new PositionGuard(offsets);
        this.embedders = List.copyOf(embedders);
        this.dlq = dlq;
        this.retrier = retrier;
        this.metrics = metrics;
    }

    /**
     * Test hook for fault injection: runs after every write of a transaction and before its commit (a throw
     * there is a crash between the write and the commit). Null in production.
     */
    public void injectBeforeCommit(Runnable hook) {
        this.beforeCommit = hook;
    }

    /**
     * Test hook: runs after the stored-vector lookup of every attempt, before the write transaction (another
     * writer's row appearing there is the rebalance race the plain INSERT path must survive). Null in production.
     */
    public void injectAfterLookup(Runnable hook) {
        this.afterLookup = hook;
    }

    /** What this processor committed, checked against PostgreSQL on every new connection. */
    PositionGuard guard() {
        return guard;
    }

    /** The loop sought {@code partitions} back to PostgreSQL's stored offsets. */
    void rewound(int partitions) {
        metrics.offsetRewinds.increment(partitions);
    }

    /** Prunes {@code ehrflow.source_event} by age with {@code r} (see {@link #housekeeping()}). */
    public void retainEvents(EventRetention r) {
        this.retention = r;
    }

    /**
     * Between batches (poll thread): one pruning step of expired source events when one is due (every
     * {@link #PRUNE_INTERVAL}, or at once again while a full step was found). A failure only postpones it.
     */
    public void housekeeping() {
        if (!retention.enabled() || System.nanoTime() - nextPruneAt < 0) {
            return;
        }
        try {
            int pruned = retrier.run("pruning source events", () -> {
                Connection c = pg.get();
                int n = retention.prune(c);
                c.commit();
                return n;
            });
            metrics.eventsPruned.increment(pruned);
            nextPruneAt = System.nanoTime() + (pruned >= retention.maxRows() ? 0 : PRUNE_INTERVAL.toNanos());
        } catch (RecordFailure e) {
            LOG.warn("pruning source events failed ({}); next try in {}", e.getMessage(), PRUNE_INTERVAL);
            nextPruneAt = System.nanoTime() + PRUNE_INTERVAL.toNanos();
        }
    }

    /** Processes {@code records} (offset order within each partition); returns the next offsets now stored. */
    public Map<TopicPartition, Long> process(List<ConsumerRecord<String, byte[]>> records) {
        // Decoding (JSON Schema validation above all) is pure and the costliest CPU step outside the model:
        // large batches decode on the common pool; toList() keeps the record order.
        List<Decoded> decodedAll = (records.size() >= PARALLEL_DECODE_MIN ? records.parallelStream() : records.stream())
                .map(r -> FhirRecordDecoder.decodeAny(r.topic(), r.key(), r.value())).toList();
        List<Item> items = new ArrayList<>(records.size());
        List<DlqPublisher.Keyed> rejected = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, byte[]> r = records.get(i);
            Decoded d = decodedAll.get(i);
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
        List<Decoded> applied = items.stream().map(Item::decoded).filter(d -> !(d instanceof Decoded.Rejected))
                .toList();
        Planners planner = new Planners();
        try {
            writeOnce("the batch write", planner, applied, next);
        } catch (RecordFailure f) {
            LOG.warn("batch of {} records failed with {}; retrying record by record", records.size(), f.getMessage());
            metrics.batchesSplit.increment();
            perRecord(planner, items, next);
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
    private void writeOnce(String what, Planners planner, List<Decoded> items, Map<TopicPartition, Long> next) {
        retrier.run(what, () -> {
            guard.check(pg);
            return write(planner, items, next);
        });
    }

    private void perRecord(Planners planner, List<Item> items, Map<TopicPartition, Long> next) {
        for (Item it : items) {
            if (it.decoded() instanceof Decoded.Rejected) {
                continue;
            }
            ConsumerRecord<String, byte[]> r = it.record();
            Map<TopicPartition, Long> own = Map.of(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
            try {
                writeOnce("a record write", planner, List.of(it.decoded()), own);
                guard.committed(own); // a rejected record's reconnect must not take this commit for a divergence
            } catch (RecordFailure f) {
                LOG.warn("record {}-{}@{} rejected: {}", r.topic(), r.partition(), r.offset(), f.getMessage());
                DlqPublisher.Keyed k = letter(r, it.decoded(), f.reasonCode(), f.getCause());
                retrier.run("the DLQ send", () -> {
                    dlq.sendAll(List.of(k));
                    return null;
                });
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

    /** One attempt: look up stored vectors, embed the rest, then one transaction for both topics. */
    private Void write(Planners planner, List<Decoded> items, Map<TopicPartition, Long> next)
            throws SQLException {
        ModelRoles roles = roles();
        Connection c = pg.get();
        List<ChunkSet> sets = new ArrayList<>();
        List<FhirRecord> resources = new ArrayList<>();
        for (Decoded d : redirected(c, items)) {
            if (d instanceof Decoded.Accepted a) {
                sets.add(a.set());
            } else if (d instanceof Decoded.Resource r) {
                resources.add(r.record());
            }
        }
        List<Step> steps = Step.of(sets);
        List<ChunkSet> toWrite = new ArrayList<>();
        steps.forEach(st -> toWrite.addAll(st.latest()));
        String model = roles.serving().modelName();
        String nextModel = roles.buildingName();
        ChunkStore.Stored stored = store.lookup(c,
                toWrite.stream().map(s -> new SourceRef(s.patientKey(), s.sourceId())).distinct().toList(),
                model, nextModel);
        // Identical text under another source of the patient (twins, re-sent documents) keeps that vector too.
        Map<SourceRef, Map<String, float[]>> reusable = store.withTwins(c, toWrite, stored.vectors(), model);
        pg.endRead();
        Runnable lookedUp = afterLookup;
        if (lookedUp != null) {
            lookedUp.run();
        }
        long t0 = System.nanoTime();
        VectorPlanner.Plan plan;
        VectorPlanner.Plan shadow = null;
        try {
            plan = planner.of(model).plan(toWrite, reusable, roles.serving()::embed);
            if (nextModel != null) {
                shadow = planner.of(nextModel).plan(toWrite, stored.nextVectors(), roles.building()::embed);
            }
        } catch (SinkFatalException | TransientException e) {
            throw e; // a wrong setting or an endpoint that is down: not this record's fault
        } catch (RuntimeException e) {
            throw new RecordFailure(ReasonCodes.EMBEDDING_FAILED, e);
        }
        long t1 = System.nanoTime();
        List<SetWrite> writes = shadow == null ? plan.writes() : withShadow(plan, shadow);
        // The write transaction starts with the fence: a switch between the lookup and here would have renamed
        // the columns these vectors were planned for, so the batch is planned again.
        if (!EmbeddingModels.fence(c).equals(roles.generations())) {
            pg.reset();
            throw new TransientException("the embedding model registry changed (re-index); planning again", null);
        }
        long written = 0;
        long deleted = 0;
        int w = 0;
        Set<SourceRef> existing = stored.existing();
        for (Step st : steps) {
            if (st.merge() != null) {
                ChunkSet m = st.merge();
                merges.merge(c, m.patientKey(), m.targetPatientKey(), m.provenance());
                existing = null; // rows moved after the lookup: any source may now have stale rows
                continue;
            }
            ChunkStore.Counts counts;
            try {
                counts = store.replace(c, writes.subList(w, w + st.latest().size()), model, nextModel, existing);
            } catch (SQLException e) {
                if (existing != null && "23505".equals(e.getSQLState())) {
                    // A row appeared after the lookup (rebalance race): retry the batch, looking up again.
                    pg.reset();
                    throw new TransientException("a chunk row appeared after the lookup; retrying the batch", null);
                }
                throw e;
            }
            w += st.latest().size();
            written += counts.written();
            deleted += counts.deleted();
            store.advanceWatermarks(c, st.all());
        }
        sources.apply(c, resources);
        guard.advance(c, next);
        Runnable hook = beforeCommit;
        if (hook != null) {
            hook.run();
        }
        c.commit();
        long t2 = System.nanoTime();
        if (plan.embedded() > 0) {
            metrics.embedTime.record(Duration.ofNanos(t1 - t0));
        }
        metrics.transactionTime.record(Duration.ofNanos(t2 - t1));
        metrics.embedded.increment(plan.embedded());
        metrics.shadowEmbedded.increment(shadow == null ? 0 : shadow.embedded());
        metrics.reused.increment(plan.reused());
        metrics.rowsWritten.increment(written);
        metrics.rowsDeleted.increment(deleted);
        metrics.chunkSets.increment(sets.size());
        metrics.sourceRecords.increment(resources.size());
        Instant now = Instant.now();
        for (ChunkSet s : sets) {
            Duration age = Duration.between(s.provenance().ingestTime(), now);
            metrics.freshness.record(age.isNegative() ? Duration.ZERO : age); // clock skew between hosts
        }
        return null;
    }

    /** {@code items} with records of patients merged away filed under their survivor ({@link MergeRedirect}). */
    private static List<Decoded> redirected(Connection c, List<Decoded> items) throws SQLException {
        Set<String> keys = new HashSet<>();
        for (Decoded d : items) {
            if (d instanceof Decoded.Accepted a) {
                keys.add(a.set().patientKey());
            } else if (d instanceof Decoded.Resource r) {
                keys.add(r.record().patientKey());
            }
        }
        return new MergeRedirect(MergeAliases.survivors(c, keys)).apply(items);
    }

    /**
     * The roles of the sink's models from the registry, read under the fence at the start of the lookup
     * transaction (the write transaction checks them again under its own fence). A change since the last batch drops the connection first,
     * so no server-side prepared statement planned against the old columns is reused.
     */
    private ModelRoles roles() throws SQLException {
        EmbeddingModels.Generations g = EmbeddingModels.fence(pg.get());
        if (lastSeen != null && !lastSeen.equals(g)) {
            LOG.info("embedding models changed: serving {}, building {}", g.serving().name(),
                    g.building() == null ? "none" : g.building().name());
            pg.reset();
            g = EmbeddingModels.fence(pg.get());
        }
        lastSeen = g;
        return ModelRoles.resolve(g, embedders);
    }

    private static List<SetWrite> withShadow(VectorPlanner.Plan plan, VectorPlanner.Plan shadow) {
        List<SetWrite> out = new ArrayList<>(plan.writes().size());
        for (int i = 0; i < plan.writes().size(); i++) {
            SetWrite w = plan.writes().get(i);
            out.add(new SetWrite(w.set(), w.vectors(), shadow.writes().get(i).vectors()));
        }
        return out;
    }

    /** One vector planner per model for the attempts of one batch (vectors survive a retry, per model). */
    private static final class Planners {
        private final Map<String, VectorPlanner> byModel = new HashMap<>();

        VectorPlanner of(String model) {
            return byModel.computeIfAbsent(model, m -> new VectorPlanner());
        }
    }

    /**
     * The chunk sets of a batch as ordered steps: runs of UPSERT/DELETE sets (only the last set of each source
     * counts within a run) separated by MERGEs, which must see every earlier set applied and no later one.
     */
    record Step(List<ChunkSet> all, List<ChunkSet> latest, ChunkSet merge) {

        static List<Step> of(List<ChunkSet> sets) {
            List<Step> out = new ArrayList<>();
            List<ChunkSet> run = new ArrayList<>();
            for (ChunkSet s : sets) {
                if (s.op() == RecordOp.MERGE) {
                    addRun(out, run);
                    run = new ArrayList<>();
                    out.add(new Step(List.of(), List.of(), s));
                } else {
                    run.add(s);
                }
            }
            addRun(out, run);
            return out;
        }

        private static void addRun(List<Step> out, List<ChunkSet> run) {
            if (run.isEmpty()) {
                return;
            }
            Map<SourceRef, ChunkSet> latest = new LinkedHashMap<>();
            for (ChunkSet s : run) {
                latest.put(new SourceRef(s.patientKey(), s.sourceId()), s); // a later set of a source supersedes
            }
            out.add(new Step(run, new ArrayList<>(latest.values()), null));
        }
    }

    private static Map<TopicPartition, Long> nextOffsets(List<ConsumerRecord<String, byte[]>> records) {
        Map<TopicPartition, Long> next = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            next.merge(new TopicPartition(r.topic(), r.partition()), r.offset() + 1, Math::max);
        }
        return next;
    }

    private static DlqPublisher.Keyed letter(ConsumerRecord<String, byte[]> r, Decoded decoded, String reason,
            Throwable cause) {
        String messageId = decoded instanceof Decoded.Accepted a ? a.set().provenance().sourceMessageId()
                : decoded instanceof Decoded.Resource x ? x.record().provenance().sourceMessageId() : null;
        return new DlqPublisher.Keyed(r.key(), DeadLetters.of(Topics.APP_EMBEDDER_SINK, reason, cause, r.topic(),
                r.partition(), r.offset(), messageId, r.value()));
    }

    private record Item(ConsumerRecord<String, byte[]> record, Decoded decoded) {
    }
}
