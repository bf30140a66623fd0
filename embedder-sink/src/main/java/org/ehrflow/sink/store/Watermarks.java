package org.ehrflow.sink.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.Provenance;

/**
 * Per-patient progress of a batch: {@code ehrflow.patient_watermark} (what {@code wait_for_*} and the freshness
 * views read) and {@code ehrflow.source_event} (which source messages are searchable).
 */
public final class Watermarks {

    // One statement per batch for all its patients (arrays, not a rewritten multi-row batch: one parse, one plan).
    private static final String WATERMARKS = """
            INSERT INTO ehrflow.patient_watermark AS w
                (patient_key, last_event_time, last_ingest_time, last_indexed_at, chunk_sets, last_source_message_id)
            SELECT k, e, i, clock_timestamp(), n, m
            FROM unnest(?::text[], ?::timestamptz[], ?::timestamptz[], ?::bigint[], ?::text[]) AS u(k, e, i, n, m)
            ON CONFLICT (patient_key) DO UPDATE SET
                last_source_message_id = EXCLUDED.last_source_message_id,
                last_event_time = GREATEST(w.last_event_time, EXCLUDED.last_event_time),
                last_ingest_time = GREATEST(w.last_ingest_time, EXCLUDED.last_ingest_time),
                last_indexed_at = EXCLUDED.last_indexed_at,
                chunk_sets = w.chunk_sets + EXCLUDED.chunk_sets""";

    private static final String EVENTS = """
            INSERT INTO ehrflow.source_event (patient_key, source_message_id, ingest_time, indexed_at)
            SELECT k, m, i, clock_timestamp() FROM unnest(?::text[], ?::text[], ?::timestamptz[]) AS u(k, m, i)
            ON CONFLICT (patient_key, source_message_id) DO UPDATE SET indexed_at = EXCLUDED.indexed_at""";

    static final String EVENT = """
            INSERT INTO ehrflow.source_event (patient_key, source_message_id, ingest_time, indexed_at)
            VALUES (?, ?, ?, clock_timestamp())
            ON CONFLICT (patient_key, source_message_id) DO UPDATE SET indexed_at = EXCLUDED.indexed_at""";

    private Watermarks() {
    }

    /** Advances the watermark of every patient in {@code sets} (all sets of the batch, superseded ones too). */
    public static void advance(Connection c, List<ChunkSet> sets) throws SQLException {
        Map<String, Mark> byPatient = new LinkedHashMap<>();
        for (ChunkSet s : sets) {
            byPatient.merge(s.patientKey(), Mark.of(s.provenance()), Mark::max);
        }
        int n = byPatient.size();
        String[] keys = new String[n];
        String[] eventTimes = new String[n];
        String[] ingestTimes = new String[n];
        Long[] counts = new Long[n];
        String[] lastIds = new String[n];
        int i = 0;
        for (Map.Entry<String, Mark> e : byPatient.entrySet()) {
            keys[i] = e.getKey();
            eventTimes[i] = text(e.getValue().eventTime());
            ingestTimes[i] = text(e.getValue().ingestTime());
            counts[i] = e.getValue().sets();
            lastIds[i++] = e.getValue().lastMessageId();
        }
        try (PreparedStatement ps = c.prepareStatement(WATERMARKS)) {
            ps.setArray(1, c.createArrayOf("text", keys));
            ps.setArray(2, c.createArrayOf("text", eventTimes));
            ps.setArray(3, c.createArrayOf("text", ingestTimes));
            ps.setArray(4, c.createArrayOf("bigint", counts));
            ps.setArray(5, c.createArrayOf("text", lastIds));
            ps.executeUpdate();
        }
        // One message yields many chunk sets (Patient, Encounter, Observations...), all with its message id, and
        // ON CONFLICT may not touch a row twice in one statement (SQLSTATE 21000): each (patient, message) once.
        Map<List<String>, ChunkSet> events = new LinkedHashMap<>();
        for (ChunkSet s : sets) {
            events.putIfAbsent(List.of(s.patientKey(), s.provenance().sourceMessageId()), s);
        }
        String[] eventKeys = new String[events.size()];
        String[] messageIds = new String[events.size()];
        String[] eventIngest = new String[events.size()];
        i = 0;
        for (ChunkSet s : events.values()) {
            eventKeys[i] = s.patientKey();
            messageIds[i] = s.provenance().sourceMessageId();
            eventIngest[i++] = text(s.provenance().ingestTime());
        }
        try (PreparedStatement ps = c.prepareStatement(EVENTS)) {
            ps.setArray(1, c.createArrayOf("text", eventKeys));
            ps.setArray(2, c.createArrayOf("text", messageIds));
            ps.setArray(3, c.createArrayOf("text", eventIngest));
            ps.executeUpdate();
        }
    }

    /** ISO-8601 text of an instant for a {@code timestamptz[]} parameter (null stays null). */
    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    private record Mark(Instant eventTime, Instant ingestTime, long sets, String lastMessageId) {
        static Mark of(Provenance p) {
            return new Mark(p.eventTime(), p.ingestTime(), 1, p.sourceMessageId());
        }

        /** Combines with a later set of the same patient (batch order). */
        Mark max(Mark o) {
            return new Mark(later(eventTime, o.eventTime), later(ingestTime, o.ingestTime), sets + o.sets,
                    o.lastMessageId);
        }

        private static Instant later(Instant a, Instant b) {
            return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
        }
    }
}
