package org.ehrflow.sink.store;

import com.pgvector.PGvector;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ehrflow.schemas.Chunk;
import org.ehrflow.schemas.Citation;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.Provenance;

/**
 * Reads and writes {@code ehrflow.chunk}: the stored vectors of sources (to skip re-embedding unchanged text),
 * and the replacement of a source's rows by a chunk set (delete the rows not re-emitted, upsert the rest).
 */
public final class ChunkStore {

    // Every row of the sources: which sources exist at all (only those can have stale rows to delete) and the
    // vectors of the current model by content hash (only those can be reused); during a re-index with dual
    // writes also the shadow vectors that are current for the row's text.
    private static final String LOOKUP = """
            SELECT c.patient_key, c.source_id, c.content_hash,
                   CASE WHEN c.model_name = ? THEN c.embedding END, NULL::vector
            FROM ehrflow.chunk c
            JOIN unnest(?::text[], ?::text[]) AS s(patient_key, source_id)
              ON c.patient_key = s.patient_key AND c.source_id = s.source_id""";
    private static final String LOOKUP_DUAL = LOOKUP.replace("NULL::vector", """
            CASE WHEN c.next_model_name = ? AND c.next_content_hash = c.content_hash THEN c.next_embedding END""");

    // Vectors of the current model stored under any source of the same patient with the same text: a note stored
    // as a DocumentReference and as a DiagnosticReport, a document re-sent under a new id (V6 index on
    // (patient_key, content_hash)).
    private static final String TWINS = """
            SELECT DISTINCT ON (c.patient_key, c.content_hash) c.patient_key, c.content_hash, c.embedding::text
            FROM ehrflow.chunk c
            JOIN unnest(?::text[], ?::text[]) AS h(patient_key, content_hash)
              ON c.patient_key = h.patient_key AND c.content_hash = h.content_hash
            WHERE c.model_name = ?""";

    // One statement for a whole batch: rows of the touched sources whose chunk id is not re-emitted.
    private static final String DELETE_STALE = """
            DELETE FROM ehrflow.chunk c
            WHERE (c.patient_key, c.source_id) IN (SELECT * FROM unnest(?::text[], ?::text[]))
              AND (c.patient_key, c.chunk_id) NOT IN (SELECT * FROM unnest(?::text[], ?::text[]))""";

    private static final String UPSERT = """
            INSERT INTO ehrflow.chunk (patient_key, chunk_id, source_id, resource_type, resource_version,
                encounter_id, note_type, section, chunk_index, text, token_count, content_hash, phi_present, phi_kinds,
                source_type, source_system, source_message_id, raw_topic, raw_partition, raw_offset, event_time,
                ingest_time, model_name, embedding, page_start, page_end, section_code, document_part, ocr,
                ocr_confidence, ocr_low_confidence, deidentified_text, cites, indexed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                clock_timestamp())
            ON CONFLICT (patient_key, chunk_id) DO UPDATE SET
                source_id = EXCLUDED.source_id, resource_type = EXCLUDED.resource_type,
                resource_version = EXCLUDED.resource_version, encounter_id = EXCLUDED.encounter_id,
                note_type = EXCLUDED.note_type, section = EXCLUDED.section, chunk_index = EXCLUDED.chunk_index,
                text = EXCLUDED.text, token_count = EXCLUDED.token_count, content_hash = EXCLUDED.content_hash,
                phi_present = EXCLUDED.phi_present, phi_kinds = EXCLUDED.phi_kinds, source_type = EXCLUDED.source_type,
                source_system = EXCLUDED.source_system, source_message_id = EXCLUDED.source_message_id,
                raw_topic = EXCLUDED.raw_topic, raw_partition = EXCLUDED.raw_partition,
                raw_offset = EXCLUDED.raw_offset, event_time = EXCLUDED.event_time,
                ingest_time = EXCLUDED.ingest_time, model_name = EXCLUDED.model_name,
                embedding = EXCLUDED.embedding, page_start = EXCLUDED.page_start, page_end = EXCLUDED.page_end,
                section_code = EXCLUDED.section_code, document_part = EXCLUDED.document_part, ocr = EXCLUDED.ocr,
                ocr_confidence = EXCLUDED.ocr_confidence, ocr_low_confidence = EXCLUDED.ocr_low_confidence,
                deidentified_text = EXCLUDED.deidentified_text, cites = EXCLUDED.cites,
                indexed_at = EXCLUDED.indexed_at""";

    // Rows of a source that had none at the lookup: a plain INSERT, cheaper than the upsert's speculative
    // insertion. Should a row appear meanwhile (a partition's previous owner still committing during a
    // rebalance), it fails with 23505 and the caller retries the batch with a fresh lookup.
    private static final String INSERT = UPSERT.substring(0, UPSERT.indexOf("ON CONFLICT"));

    // During a re-index with dual writes: the same upsert, also setting the shadow vector of the model being
    // built for the row's current text.
    private static final String UPSERT_DUAL = UPSERT
            .replace("deidentified_text, cites, indexed_at)", "deidentified_text, cites, indexed_at, next_model_name, "
                    + "next_content_hash, next_embedding)")
            .replace("clock_timestamp())", "clock_timestamp(), ?, ?, ?)")
            .replace("indexed_at = EXCLUDED.indexed_at", "indexed_at = EXCLUDED.indexed_at, "
                    + "next_model_name = EXCLUDED.next_model_name, next_content_hash = EXCLUDED.next_content_hash, "
                    + "next_embedding = EXCLUDED.next_embedding");
    private static final String INSERT_DUAL = UPSERT_DUAL.substring(0, UPSERT_DUAL.indexOf("ON CONFLICT"));

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

    /**
     * What is stored for {@code sources}: reusable vectors of {@code model}, which sources have rows, and the
     * reusable shadow vectors of {@code nextModel} (the model a re-index builds; null: none, and the shadow
     * columns are not named).
     */
    public Stored lookup(Connection c, Collection<SourceRef> sources, String model, String nextModel)
            throws SQLException {
        Map<SourceRef, Map<String, float[]>> out = new HashMap<>();
        Map<SourceRef, Map<String, float[]>> next = new HashMap<>();
        java.util.Set<SourceRef> existing = new java.util.HashSet<>();
        if (sources.isEmpty()) {
            return new Stored(out, existing, next);
        }
        try (PreparedStatement ps = c.prepareStatement(nextModel == null ? LOOKUP : LOOKUP_DUAL)) {
            int i = 1;
            ps.setString(i++, model);
            if (nextModel != null) {
                ps.setString(i++, nextModel);
            }
            ps.setArray(i++, c.createArrayOf("text", sources.stream().map(SourceRef::patientKey).toArray()));
            ps.setArray(i, c.createArrayOf("text", sources.stream().map(SourceRef::sourceId).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    SourceRef ref = new SourceRef(rs.getString(1), rs.getString(2));
                    existing.add(ref);
                    PGvector v = (PGvector) rs.getObject(4);
                    if (v != null) {
                        out.computeIfAbsent(ref, k -> new HashMap<>()).put(rs.getString(3), v.toArray());
                    }
                    PGvector n = (PGvector) rs.getObject(5);
                    if (n != null) {
                        next.computeIfAbsent(ref, k -> new HashMap<>()).put(rs.getString(3), n.toArray());
                    }
                }
            }
        }
        return new Stored(out, existing, next);
    }

    /**
     * {@code stored} plus, for each set's chunks that have no vector under their own source, a vector of
     * {@code model} that another source of the same patient holds for the same text: identical text of one patient
     * is embedded once. Returns a new map; {@code stored} is not changed.
     */
    public Map<SourceRef, Map<String, float[]>> withTwins(Connection c, List<ChunkSet> sets,
            Map<SourceRef, Map<String, float[]>> stored, String model) throws SQLException {
        List<String> keys = new java.util.ArrayList<>();
        List<String> hashes = new java.util.ArrayList<>();
        java.util.Set<String> asked = new java.util.HashSet<>();
        for (ChunkSet s : sets) {
            Map<String, float[]> own = stored.getOrDefault(new SourceRef(s.patientKey(), s.sourceId()), Map.of());
            for (Chunk ch : s.chunks()) {
                if (!own.containsKey(ch.contentHash()) && asked.add(s.patientKey() + '\u001f' + ch.contentHash())) {
                    keys.add(s.patientKey());
                    hashes.add(ch.contentHash());
                }
            }
        }
        Map<SourceRef, Map<String, float[]>> out = new HashMap<>(stored);
        if (keys.isEmpty()) {
            return out;
        }
        Map<String, float[]> found = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(TWINS)) {
            ps.setArray(1, c.createArrayOf("text", keys.toArray()));
            ps.setArray(2, c.createArrayOf("text", hashes.toArray()));
            ps.setString(3, model);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // As text: works whether or not the connection registered the vector type.
                    found.put(rs.getString(1) + '\u001f' + rs.getString(2), new PGvector(rs.getString(3)).toArray());
                }
            }
        }
        for (ChunkSet s : sets) {
            SourceRef ref = new SourceRef(s.patientKey(), s.sourceId());
            for (Chunk ch : s.chunks()) {
                float[] v = found.get(s.patientKey() + '\u001f' + ch.contentHash());
                if (v != null) {
                    out.compute(ref, (k, m) -> {
                        Map<String, float[]> copy = m == null ? new HashMap<>() : new HashMap<>(m);
                        copy.putIfAbsent(ch.contentHash(), v);
                        return copy;
                    });
                }
            }
        }
        return out;
    }

    /**
     * The result of {@link #lookup}.
     *
     * @param vectors     reusable vectors per source, by content hash
     * @param existing    sources with at least one row (any model)
     * @param nextVectors reusable shadow vectors of the model being built, per source, by content hash
     */
    public record Stored(Map<SourceRef, Map<String, float[]>> vectors, java.util.Set<SourceRef> existing,
            Map<SourceRef, Map<String, float[]>> nextVectors) {
    }

    /**
     * Makes each source's rows equal to its set, in the caller's transaction, deleting stale rows only of
     * sources in {@code existing} (the sources that had rows when looked up; null: all). A source without rows
     * has nothing stale, and most sets are new sources or unchanged re-sends, so the DELETE is usually skipped.
     * With {@code nextModel} (dual writes during a re-index) each row also gets its
     * {@link SetWrite#nextVectors() shadow vector}.
     */
    public Counts replace(Connection c, List<SetWrite> writes, String model, String nextModel,
            java.util.Set<SourceRef> existing) throws SQLException {
        if (writes.isEmpty()) {
            return new Counts(0, 0);
        }
        List<String> srcKeys = new java.util.ArrayList<>();
        List<String> srcIds = new java.util.ArrayList<>();
        List<String> keepKeys = new java.util.ArrayList<>();
        List<String> keepIds = new java.util.ArrayList<>();
        long written = 0;
        long inserted = 0;
        try (PreparedStatement del = c.prepareStatement(DELETE_STALE);
                PreparedStatement up = c.prepareStatement(nextModel == null ? UPSERT : UPSERT_DUAL);
                PreparedStatement ins = c.prepareStatement(nextModel == null ? INSERT : INSERT_DUAL)) {
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
                    bindRow(c, row, s, s.chunks().get(i), w.vectors().get(i), model);
                    if (nextModel != null) {
                        bindShadow(row, nextModel, s.chunks().get(i).contentHash(), w.nextVectors().get(i));
                    }
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

    /** Advances the watermark of every patient in {@code sets} (all sets of the batch, superseded ones too). */
    public void advanceWatermarks(Connection c, List<ChunkSet> sets) throws SQLException {
        Map<String, Watermark> byPatient = new java.util.LinkedHashMap<>();
        for (ChunkSet s : sets) {
            byPatient.merge(s.patientKey(), Watermark.of(s.provenance()), Watermark::max);
        }
        int n = byPatient.size();
        String[] keys = new String[n];
        String[] eventTimes = new String[n];
        String[] ingestTimes = new String[n];
        Long[] counts = new Long[n];
        String[] lastIds = new String[n];
        int i = 0;
        for (Map.Entry<String, Watermark> e : byPatient.entrySet()) {
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
        Map<List<String>, ChunkSet> events = new java.util.LinkedHashMap<>();
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

    private static void bindRow(Connection c, PreparedStatement ps, ChunkSet s, Chunk ch, float[] vector, String model)
            throws SQLException {
        Provenance p = s.provenance();
        int i = 1;
        ps.setString(i++, s.patientKey());
        ps.setString(i++, ch.chunkId());
        ps.setString(i++, s.sourceId());
        ps.setString(i++, s.resourceType());
        ps.setString(i++, s.resourceVersion());
        ps.setString(i++, s.encounterId());
        ps.setString(i++, s.noteType());
        ps.setString(i++, ch.section());
        ps.setInt(i++, ch.index());
        ps.setString(i++, ch.text());
        ps.setInt(i++, ch.tokenCount());
        ps.setString(i++, ch.contentHash());
        ps.setBoolean(i++, ch.phiPresent());
        ps.setArray(i++, c.createArrayOf("text", ch.phiKinds().toArray()));
        ps.setString(i++, p.sourceType().name());
        ps.setString(i++, p.sourceSystem());
        ps.setString(i++, p.sourceMessageId());
        ps.setString(i++, p.rawTopic());
        ps.setInt(i++, p.rawPartition());
        ps.setLong(i++, p.rawOffset());
        setTime(ps, i++, p.eventTime());
        setTime(ps, i++, p.ingestTime());
        ps.setString(i++, model);
        ps.setObject(i++, new PGvector(vector));
        Citation ct = ch.citation();
        ps.setObject(i++, ct == null ? null : ct.pageStart(), Types.INTEGER);
        ps.setObject(i++, ct == null ? null : ct.pageEnd(), Types.INTEGER);
        ps.setString(i++, ct == null ? null : ct.sectionCode());
        ps.setString(i++, ct == null ? null : ct.attachment());
        ps.setBoolean(i++, ct != null && ct.ocr());
        ps.setObject(i++, ct == null || ct.ocrConfidence() == null ? null : ct.ocrConfidence().floatValue(),
                Types.REAL);
        ps.setBoolean(i++, ct != null && ct.lowConfidence());
        ps.setString(i++, ch.deidentifiedText());
        // A chunk from a chunker that lists no citations (older JSON) cites its set's source.
        List<String> cites = ch.cites().isEmpty() ? List.of(s.sourceId()) : ch.cites();
        ps.setArray(i, c.createArrayOf("text", cites.toArray()));
    }

    /** Binds the shadow columns of {@link #UPSERT_DUAL} (parameters 34 to 36, after those of {@link #UPSERT}). */
    private static void bindShadow(PreparedStatement ps, String nextModel, String contentHash, float[] vector)
            throws SQLException {
        ps.setString(34, nextModel);
        ps.setString(35, contentHash);
        ps.setObject(36, new PGvector(vector));
    }

    static void setTime(PreparedStatement ps, int i, Instant t) throws SQLException {
        ps.setObject(i, t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
    }

    /** Rows upserted and rows deleted by one {@link #replace}. */
    public record Counts(long written, long deleted) {
    }

    private record Watermark(Instant eventTime, Instant ingestTime, long sets, String lastMessageId) {
        static Watermark of(Provenance p) {
            return new Watermark(p.eventTime(), p.ingestTime(), 1, p.sourceMessageId());
        }

        /** Combines with a later set of the same patient (batch order). */
        Watermark max(Watermark o) {
            return new Watermark(later(eventTime, o.eventTime), later(ingestTime, o.ingestTime), sets + o.sets,
                    o.lastMessageId);
        }

        private static Instant later(Instant a, Instant b) {
            return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
        }
    }
}
