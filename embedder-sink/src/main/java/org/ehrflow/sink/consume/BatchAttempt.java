package org.ehrflow.sink.consume;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.ehrflow.embedding.Embedder;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.sink.embed.BatchVectors;
import org.ehrflow.sink.embed.ModelRoles;
import org.ehrflow.sink.store.ChunkLookup;
import org.ehrflow.sink.store.ChunkStore;
import org.ehrflow.sink.store.MergeAliases;
import org.ehrflow.sink.store.PgSession;
import org.ehrflow.sink.store.SourceRef;

/**
 * One attempt at writing decoded records: redirect merged-away patients, plan, look up stored vectors, embed the
 * rest ({@link BatchVectors}), then the {@link ChunkTransaction}; metrics of what was committed.
 */
final class BatchAttempt {

    private final PgSession pg;
    private final ModelFence fence;
    private final ChunkLookup lookup = new ChunkLookup();
    private final ChunkTransaction transaction;
    private final WriteHooks hooks;
    private final SinkMetrics metrics;

    BatchAttempt(PgSession pg, PositionGuard offsets, List<Embedder> embedders, WriteHooks hooks,
            SinkMetrics metrics) {
        this.pg = pg;
        this.fence = new ModelFence(pg, embedders);
        this.transaction = new ChunkTransaction(pg, offsets, hooks);
        this.hooks = hooks;
        this.metrics = metrics;
    }

    /** Writes {@code items} and the {@code next} offsets in one transaction; {@code vectors} lives per batch. */
    void write(List<Decoded> items, Map<TopicPartition, Long> next, BatchVectors vectors) throws SQLException {
        ModelRoles roles = fence.roles();
        Connection c = pg.get();
        BatchPlan plan = BatchPlan.of(redirected(c, items));
        String model = roles.serving().modelName();
        ChunkLookup.Stored stored = lookup.lookup(c, plan.sources(), model, roles.buildingName());
        // Identical text under another source of the patient (twins, re-sent documents) keeps that vector too.
        Map<SourceRef, Map<String, float[]>> reusable = lookup.withTwins(c, plan.toWrite(), stored.vectors(), model);
        pg.endRead();
        hooks.afterLookup();
        long t0 = System.nanoTime();
        BatchVectors.Vectors v = vectors.plan(roles, plan.toWrite(), reusable, stored.nextVectors());
        long t1 = System.nanoTime();
        ChunkStore.Counts counts = transaction.commit(c, roles, plan, v.writes(), stored.existing(), next);
        long t2 = System.nanoTime();
        if (v.embedded() > 0) {
            metrics.embedTime.record(Duration.ofNanos(t1 - t0));
        }
        metrics.transactionTime.record(Duration.ofNanos(t2 - t1));
        metrics.embedded.increment(v.embedded());
        metrics.shadowEmbedded.increment(v.shadowEmbedded());
        metrics.reused.increment(v.reused());
        metrics.rowsWritten.increment(counts.written());
        metrics.rowsDeleted.increment(counts.deleted());
        metrics.chunkSets.increment(plan.sets().size());
        metrics.sourceRecords.increment(plan.resources().size());
        Instant now = Instant.now();
        for (ChunkSet s : plan.sets()) {
            Duration age = Duration.between(s.provenance().ingestTime(), now);
            metrics.freshness.record(age.isNegative() ? Duration.ZERO : age); // clock skew between hosts
        }
    }

    /** {@code items} with records of patients merged away filed under their survivor ({@link MergeRedirect}). */
    private static List<Decoded> redirected(Connection c, List<Decoded> items) throws SQLException {
        return new MergeRedirect(MergeAliases.survivors(c, BatchPlan.patientKeys(items))).apply(items);
    }
}
