package org.ehrflow.sink.consume;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.sink.embed.ModelRoles;
import org.ehrflow.sink.error.TransientException;
import org.ehrflow.sink.store.ChunkMerge;
import org.ehrflow.sink.store.ChunkStore;
import org.ehrflow.sink.store.EmbeddingModels;
import org.ehrflow.sink.store.PgSession;
import org.ehrflow.sink.store.SetWrite;
import org.ehrflow.sink.store.SourceRecordStore;
import org.ehrflow.sink.store.SourceRef;
import org.ehrflow.sink.store.Watermarks;

/**
 * The one write transaction of a batch attempt: the model fence, then per step the merge or the replacement of
 * the sources' rows and their watermarks, then the source records and the next offsets of both topics (a
 * compare-and-set on the last committed ones, {@link PositionGuard#advance}), and the commit. Either all of it is
 * committed or none.
 */
final class ChunkTransaction {

    private final PgSession pg;
    private final PositionGuard offsets;
    private final WriteHooks hooks;
    private final ChunkStore store = new ChunkStore();
    private final ChunkMerge merges = new ChunkMerge();
    private final SourceRecordStore sources = new SourceRecordStore();

    ChunkTransaction(PgSession pg, PositionGuard offsets, WriteHooks hooks) {
        this.pg = pg;
        this.offsets = offsets;
        this.hooks = hooks;
    }

    /**
     * Writes {@code plan} with {@code writes} (aligned with {@link BatchPlan#toWrite()}) on {@code c} and commits.
     * {@code existing}: the sources that had rows at the lookup. Throws {@link TransientException} (after
     * dropping the connection) when a re-index switched models since {@code roles} were read, or when a row
     * appeared after the lookup; both make the batch plan again.
     */
    ChunkStore.Counts commit(Connection c, ModelRoles roles, BatchPlan plan, List<SetWrite> writes,
            Set<SourceRef> existing, Map<TopicPartition, Long> next) throws SQLException {
        // The transaction starts with the fence: a switch between the lookup and here would have renamed the
        // columns these vectors were planned for, so the batch is planned again.
        if (!EmbeddingModels.fence(c).equals(roles.generations())) {
            pg.reset();
            throw new TransientException("the embedding model registry changed (re-index); planning again", null);
        }
        String model = roles.serving().modelName();
        String nextModel = roles.buildingName();
        long written = 0;
        long deleted = 0;
        int w = 0;
        Set<SourceRef> stillExisting = existing;
        for (Step st : plan.steps()) {
            if (st.merge() != null) {
                ChunkSet m = st.merge();
                merges.merge(c, m.patientKey(), m.targetPatientKey(), m.provenance());
                stillExisting = null; // rows moved after the lookup: any source may now have stale rows
                continue;
            }
            ChunkStore.Counts counts;
            try {
                counts = store.replace(c, writes.subList(w, w + st.latest().size()), model, nextModel,
                        stillExisting);
            } catch (SQLException e) {
                if (stillExisting != null && "23505".equals(e.getSQLState())) {
                    // A row appeared after the lookup (rebalance race): retry the batch, looking up again.
                    pg.reset();
                    throw new TransientException("a chunk row appeared after the lookup; retrying the batch", null);
                }
                throw e;
            }
            w += st.latest().size();
            written += counts.written();
            deleted += counts.deleted();
            Watermarks.advance(c, st.all());
        }
        sources.apply(c, plan.resources());
        offsets.advance(c, next); // compare-and-set: a sink that lost the partition rolls back here
        hooks.beforeCommit();
        c.commit();
        return new ChunkStore.Counts(written, deleted);
    }
}
