package org.ehrflow.sink.store;

import com.pgvector.PGvector;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ehrflow.schemas.Chunk;
import org.ehrflow.schemas.ChunkSet;

/**
 * Reads {@code ehrflow.chunk} before a write: the stored vectors of sources (to skip re-embedding unchanged text),
 * which sources have rows at all, and vectors of identical text under another source of the same patient.
 */
public final class ChunkLookup {

    // Every row of the sources: which sources exist at all (only those can have stale rows to delete) and the
    // vectors of the current model by content hash (only those can be reused); during a re-index with dual
    // writes also the shadow vectors that are current for the row's text.
    private static final String SHADOW_NONE = "NULL::vector";
    private static final String SHADOW_CURRENT =
            "CASE WHEN c.next_model_name = ? AND c.next_content_hash = c.content_hash THEN c.next_embedding END";
    private static final String LOOKUP = """
            SELECT c.patient_key, c.source_id, c.content_hash,
                   CASE WHEN c.model_name = ? THEN c.embedding END, %s
            FROM ehrflow.chunk c
            JOIN unnest(?::text[], ?::text[]) AS s(patient_key, source_id)
              ON c.patient_key = s.patient_key AND c.source_id = s.source_id""";

    // Vectors of the current model stored under any source of the same patient with the same text: a note stored
    // as a DocumentReference and as a DiagnosticReport, a document re-sent under a new id (V6 index on
    // (patient_key, content_hash)).
    private static final String TWINS = """
            SELECT DISTINCT ON (c.patient_key, c.content_hash) c.patient_key, c.content_hash, c.embedding::text
            FROM ehrflow.chunk c
            JOIN unnest(?::text[], ?::text[]) AS h(patient_key, content_hash)
              ON c.patient_key = h.patient_key AND c.content_hash = h.content_hash
            WHERE c.model_name = ?""";

    /**
     * What is stored for {@code sources}: reusable vectors of {@code model}, which sources have rows, and the
     * reusable shadow vectors of {@code nextModel} (the model a re-index builds; null: none, and the shadow
     * columns are not named).
     */
    public Stored lookup(Connection c, Collection<SourceRef> sources, String model, String nextModel)
            throws SQLException {
        Map<SourceRef, Map<String, float[]>> out = new HashMap<>();
        Map<SourceRef, Map<String, float[]>> next = new HashMap<>();
        Set<SourceRef> existing = new HashSet<>();
        if (sources.isEmpty()) {
            return new Stored(out, existing, next);
        }
        String sql = LOOKUP.formatted(nextModel == null ? SHADOW_NONE : SHADOW_CURRENT);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
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
        List<String> keys = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        Set<String> asked = new HashSet<>();
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
    public record Stored(Map<SourceRef, Map<String, float[]>> vectors, Set<SourceRef> existing,
            Map<SourceRef, Map<String, float[]>> nextVectors) {
    }
}
