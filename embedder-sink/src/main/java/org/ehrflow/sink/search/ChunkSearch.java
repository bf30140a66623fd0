package org.ehrflow.sink.search;

import com.pgvector.PGvector;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.ehrflow.schemas.Citation;
import org.ehrflow.schemas.SourceType;

/**
 * The read path for retrieval services and the demo: {@code ehrflow.search_chunks}, the top-k chunks of one
 * patient by cosine distance. With a reader role, set {@code ehrflow.patient_key} in the transaction first
 * (see {@link #scopeTo}); row-level security hides every other patient.
 */
public final class ChunkSearch {

    private static final String SQL = """
            SELECT chunk_id, source_id, resource_type, section, note_type, text, distance, source_type,
                   source_system, source_message_id, raw_topic, raw_partition, raw_offset, event_time,
                   page_start, page_end, section_code, document_part, ocr, ocr_confidence, ocr_low_confidence
            FROM ehrflow.search_chunks(?, ?::vector, ?)""";
    private static final String SQL_MODEL = SQL.replace("?, ?::vector, ?)", "?, ?::vector, ?, ?)");

    private ChunkSearch() {
    }

    /** The {@code k} chunks of {@code patientKey} nearest to {@code query} (a normalised model vector). */
    public static List<SearchHit> search(Connection c, String patientKey, float[] query, int k) throws SQLException {
        return search(c, patientKey, query, k, null);
    }

    /**
     * As {@link #search(Connection, String, float[], int)} for a query embedded with {@code model}: refused with
     * SQLSTATE 55000 when readers are served another model (a re-index switched), so a query is never compared
     * with vectors of another model. Null: no check.
     */
    public static List<SearchHit> search(Connection c, String patientKey, float[] query, int k, String model)
            throws SQLException {
        Objects.requireNonNull(patientKey, "patientKey");
        List<SearchHit> hits = new ArrayList<>(k);
        try (PreparedStatement ps = c.prepareStatement(model == null ? SQL : SQL_MODEL)) {
            ps.setString(1, patientKey);
            // Sent as text and cast, so the caller's connection needs no registered vector type.
            ps.setString(2, new PGvector(query).toString());
            ps.setInt(3, k);
            if (model != null) {
                ps.setString(4, model);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime event = rs.getObject(14, OffsetDateTime.class);
                    hits.add(new SearchHit(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getDouble(7), SourceType.valueOf(rs.getString(8)),
                            rs.getString(9), rs.getString(10), rs.getString(11), rs.getInt(12), rs.getLong(13),
                            event == null ? null : event.toInstant(), citation(rs)));
                }
            }
        }
        return hits;
    }

    // Columns 15..21; a chunk that is not from an extracted document has none of them set.
    private static Citation citation(ResultSet rs) throws SQLException {
        Integer start = rs.getObject(15, Integer.class);
        String code = rs.getString(17);
        String part = rs.getString(18);
        boolean ocr = rs.getBoolean(19);
        if (start == null && code == null && part == null && !ocr) {
            return null;
        }
        Float conf = rs.getObject(20, Float.class);
        return new Citation(start, rs.getObject(16, Integer.class), code, part, ocr,
                conf == null ? null : Math.round(conf * 10) / 10.0, rs.getBoolean(21));
    }

    private static final String HYBRID_SQL = """
            SELECT chunk_id, source_id, resource_type, section, note_type, text, distance, source_type,
                   source_system, source_message_id, raw_topic, raw_partition, raw_offset, event_time,
                   sources, dense_rank, lexical_rank, lexical_score, score, cites
            FROM ehrflow.search_chunks(?, ?::vector, ?, ?, ?, p_mode => ?, p_from => ?, p_to => ?,
                p_resource_types => ?, p_encounter_id => ?, p_note_types => ?, p_sections => ?)""";

    /**
     * Hybrid (or dense, or lexical) patient-scoped search with filters, the V6 overload of
     * {@code ehrflow.search_chunks}: identical texts come back once, citing every source that holds them.
     */
    public static List<HybridHit> search(Connection c, HybridQuery q) throws SQLException {
        List<HybridHit> hits = new ArrayList<>(q.k());
        SearchFilter f = q.filter();
        try (PreparedStatement ps = c.prepareStatement(HYBRID_SQL)) {
            ps.setString(1, q.patientKey());
            ps.setString(2, q.vector() == null ? null : new PGvector(q.vector()).toString());
            ps.setString(3, q.text());
            ps.setInt(4, q.k());
            ps.setString(5, q.model());
            ps.setString(6, q.mode().sql());
            ps.setObject(7, f.from() == null ? null : OffsetDateTime.ofInstant(f.from(), ZoneOffset.UTC));
            ps.setObject(8, f.to() == null ? null : OffsetDateTime.ofInstant(f.to(), ZoneOffset.UTC));
            ps.setArray(9, f.resourceTypes() == null ? null : c.createArrayOf("text", f.resourceTypes().toArray()));
            ps.setString(10, f.encounterId());
            ps.setArray(11, f.noteTypes() == null ? null : c.createArrayOf("text", f.noteTypes().toArray()));
            ps.setArray(12, f.sections() == null ? null : c.createArrayOf("text", f.sections().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime event = rs.getObject(14, OffsetDateTime.class);
                    double distance = rs.getDouble(7);
                    boolean lexicalOnly = rs.wasNull();
                    SearchHit hit = new SearchHit(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), lexicalOnly ? Double.NaN : distance,
                            SourceType.valueOf(rs.getString(8)), rs.getString(9), rs.getString(10), rs.getString(11),
                            rs.getInt(12), rs.getLong(13), event == null ? null : event.toInstant());
                    hits.add(new HybridHit(hit, List.of((String[]) rs.getArray(15).getArray()),
                            (Integer) rs.getObject(16), (Integer) rs.getObject(17), (Double) rs.getObject(18),
                            rs.getDouble(19), List.of((String[]) rs.getArray(20).getArray())));
                }
            }
        }
        return hits;
    }

    /**
     * Names the patient for row-level security until the end of the current transaction ({@code SET LOCAL}
     * semantics); the connection must not be in auto-commit mode.
     */
    public static void scopeTo(Connection c, String patientKey) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('ehrflow.patient_key', ?, true)")) {
            ps.setString(1, Objects.requireNonNull(patientKey, "patientKey"));
            ps.executeQuery().close();
        }
    }
}
