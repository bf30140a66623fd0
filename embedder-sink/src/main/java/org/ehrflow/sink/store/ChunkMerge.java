package org.ehrflow.sink.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.ehrflow.schemas.Provenance;

/** Applies a patient MERGE to the chunk side: chunk rows, source events and the watermark change key. */
public final class ChunkMerge {

    /*
     * MERGE of a retired patient into a surviving one. A source filed under both keys keeps the surviving
     * patient's rows (they are whole chunk sets; mixing the two would leave a set that no chunker emitted);
     * every other row moves. UPDATE of the partition key moves a row between hash partitions (PostgreSQL 11+).
     */
    private static final String MERGE_DROP_COLLIDING = """
            DELETE FROM ehrflow.chunk r WHERE r.patient_key = ?
              AND EXISTS (SELECT 1 FROM ehrflow.chunk s WHERE s.patient_key = ? AND s.source_id = r.source_id)""";
    private static final String MERGE_MOVE = "UPDATE ehrflow.chunk SET patient_key = ? WHERE patient_key = ?";
    private static final String MERGE_EVENTS = """
            WITH gone AS (DELETE FROM ehrflow.source_event WHERE patient_key = ? RETURNING *)
            INSERT INTO ehrflow.source_event (patient_key, source_message_id, ingest_time, indexed_at)
            SELECT ?, source_message_id, ingest_time, indexed_at FROM gone
            ON CONFLICT (patient_key, source_message_id) DO NOTHING""";
    private static final String MERGE_WATERMARK = """
            WITH gone AS (DELETE FROM ehrflow.patient_watermark WHERE patient_key = ? RETURNING *)
            INSERT INTO ehrflow.patient_watermark AS w (patient_key, last_event_time, last_ingest_time,
                last_indexed_at, chunk_sets, last_source_message_id)
            SELECT ?, last_event_time, last_ingest_time, clock_timestamp(), chunk_sets, last_source_message_id
            FROM gone
            ON CONFLICT (patient_key) DO UPDATE SET
                last_event_time = GREATEST(w.last_event_time, EXCLUDED.last_event_time),
                last_ingest_time = GREATEST(w.last_ingest_time, EXCLUDED.last_ingest_time),
                last_indexed_at = EXCLUDED.last_indexed_at,
                chunk_sets = w.chunk_sets + EXCLUDED.chunk_sets""";

    /**
     * Moves every chunk row, source event and the watermark of {@code retired} under {@code surviving}, in the
     * caller's transaction, and records the merge message as an event of the surviving patient. Returns the
     * chunk rows moved.
     */
    public long merge(Connection c, String retired, String surviving, Provenance mergeEvent) throws SQLException {
        if (retired.equals(surviving)) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement(Watermarks.EVENT)) {
            // The merge message itself is an event of the surviving patient (wait_for_source can wait for it).
            ps.setString(1, surviving);
            ps.setString(2, mergeEvent.sourceMessageId());
            ChunkColumns.setTime(ps, 3, mergeEvent.ingestTime());
            ps.executeUpdate();
        }
        long moved;
        try (PreparedStatement drop = c.prepareStatement(MERGE_DROP_COLLIDING);
                PreparedStatement move = c.prepareStatement(MERGE_MOVE);
                PreparedStatement events = c.prepareStatement(MERGE_EVENTS);
                PreparedStatement mark = c.prepareStatement(MERGE_WATERMARK)) {
            drop.setString(1, retired);
            drop.setString(2, surviving);
            drop.executeUpdate();
            move.setString(1, surviving);
            move.setString(2, retired);
            moved = move.executeUpdate();
            events.setString(1, retired);
            events.setString(2, surviving);
            events.executeUpdate();
            mark.setString(1, retired);
            mark.setString(2, surviving);
            mark.executeUpdate();
        }
        MergeAliases.record(c, retired, surviving);
        return moved;
    }
}
