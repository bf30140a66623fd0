package org.ehrflow.sink.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.ehrflow.schemas.ChunkSet;

/**
 * Replaces a source's rows of {@code ehrflow.chunk} by a chunk set: delete the rows not re-emitted, upsert the
 * rest (a plain INSERT for sources that had no rows). Statements and bindings come from {@link ChunkColumns}.
 */
public final class ChunkStore {

    // One statement for a whole batch: rows of the touched sources whose chunk id is not re-emitted.
    private static final String DELETE_STALE = """
            DELETE FROM ehrflow.chunk c
            WHERE (c.patient_key, c.source_id) IN (SELECT * FROM unnest(?::text[], ?::text[]))
              AND (c.patient_key, c.chunk_id) NOT IN (SELECT * FROM unnest(?::text[], ?::text[]))""";

    private static final Statements PLAIN = new Statements(ChunkColumns.of(false));
    private static final Statements DUAL = new Statements(ChunkColumns.of(true));

    /** The generated statements of one column list. */
    private record Statements(List<ChunkColumns.Column> columns, String upsert, String insert) {
        Statements(List<ChunkColumns.Column> columns) {
            this(columns, ChunkColumns.upsert(columns), ChunkColumns.insert(columns));
        }
    }

    /**
     * Makes each source's rows equal to its set, in the caller's transaction, deleting stale rows only of
     * sources in {@code existing} (the sources that had rows when looked up; null: all). A source without rows
     * has nothing stale, and most sets are new sources or unchanged re-sends, so the DELETE is usually skipped.
     * Rows of sources not in {@code existing} go in with a plain INSERT: should a row appear meanwhile (a
     * partition's previous owner still committing during a rebalance), it fails with 23505 and the caller
     * retries with a fresh lookup. With {@code nextModel} (dual writes during a re-index) each row also gets its
     * {@link SetWrite#nextVectors() shadow vector}.
     */
    public Counts replace(Connection c, List<SetWrite> writes, String model, String nextModel,
            Set<SourceRef> existing) throws SQLException {
        if (writes.isEmpty()) {
            return new Counts(0, 0);
        }
        Statements sql = nextModel == null ? PLAIN : DUAL;
        List<String> srcKeys = new ArrayList<>();
        List<String> srcIds = new ArrayList<>();
        List<String> keepKeys = new ArrayList<>();
        List<String> keepIds = new ArrayList<>();
        long written = 0;
        long inserted = 0;
        try (PreparedStatement del = c.prepareStatement(DELETE_STALE);
                PreparedStatement up = c.prepareStatement(sql.upsert());
                PreparedStatement ins = c.prepareStatement(sql.insert())) {
            for (SetWrite w : writes) {
                ChunkSet s = w.set();
                boolean mayHaveRows = existing == null || existing.contains(w.source());
                PreparedStatement row = mayHaveRows ? up : ins;
                if (mayHaveRows) {
                    srcKeys.add(s.patientKey());
                    srcIds.add(s.sourceId());
                }
                for (int i = 0; i < s.chunks().size(); i++) {
                    if (mayHaveRows) {
                        keepKeys.add(s.patientKey());
                        keepIds.add(s.chunks().get(i).chunkId());
                    }
                    ChunkColumns.bind(row, sql.columns(), new ChunkColumns.Row(c, s, s.chunks().get(i),
                            w.vectors().get(i), model, nextModel, nextModel == null ? null : w.nextVectors().get(i)));
                    row.addBatch();
                    written++;
                    inserted += mayHaveRows ? 0 : 1;
                }
            }
            long deleted = 0;
            if (!srcKeys.isEmpty()) {
                del.setArray(1, c.createArrayOf("text", srcKeys.toArray()));
                del.setArray(2, c.createArrayOf("text", srcIds.toArray()));
                del.setArray(3, c.createArrayOf("text", keepKeys.toArray()));
                del.setArray(4, c.createArrayOf("text", keepIds.toArray()));
                deleted = del.executeUpdate();
            }
            if (written > inserted) {
                up.executeBatch();
            }
            if (inserted > 0) {
                ins.executeBatch();
            }
            return new Counts(written, deleted);
        }
    }

    /** Rows upserted and rows deleted by one {@link #replace}. */
    public record Counts(long written, long deleted) {
    }
}
