package org.ehrflow.api.search;

import com.pgvector.PGvector;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.ehrflow.api.auth.TextLevel;
import org.postgresql.PGStatement;

/**
 * Today's search: the four-argument {@code ehrflow.search_chunks} / {@code search_chunks_deid} (dense only, no
 * filters), naming the query's model so a search is refused (55000) instead of comparing two models' vectors
 * around a re-index switch. Both levels answer the same citation columns (version, document place, the facts a
 * chunk cites); only the text column differs, and the de-identified login has no grant on raw text.
 */
public final class SqlSearchBackend implements SearchBackend {

    private static final String PLACE = "page_start, page_end, section_code, document_part, ocr, ocr_confidence, "
            + "ocr_low_confidence";
    // The raw four-argument form has no sources/cites columns: computed here as the hybrid form does, over the
    // hit's twins (rows of the patient with the same text), per hit through the primary key and the
    // (patient_key, content_hash) index, both arrays from one lateral aggregate (two scalar subqueries planned the
    // partitioned table four times: planning 0.43-0.60 ms against 0.30, +0.4-0.7 ms database CPU per request,
    // RetrievalSqlProfile). Not a join of the hits to ehrflow.chunk: the planner takes the function for 1,000 rows
    // and hash-joined all 5,000 rows of the patient to its 10 (+70% database CPU per request), and a correlated
    // patient_key made it plan the twin lookups over all 16 partitions (1-2 ms planning per call). The patient is
    // a parameter here, so each lookup is pruned to the patient's partition when planned. A twin with an empty
    // cites array still counts as a source (the LEFT JOIN keeps it; the FILTER drops its NULL).
    static final String RAW = "WITH s AS (SELECT * FROM ehrflow.search_chunks(?, ?::vector, ?, ?) WITH ORDINALITY) "
            + "SELECT s.chunk_id, s.source_id, s.resource_type, s.section, s.note_type, "
            + "s.text, s.distance, s.source_type, s.source_message_id, s.event_time, s.resource_version, s."
            + PLACE.replace(", ", ", s.") + ", coalesce(tw.sources, '{}'), coalesce(tw.cites, '{}') "
            + "FROM s LEFT JOIN LATERAL (SELECT array_agg(DISTINCT t.source_id ORDER BY t.source_id) AS sources, "
            + "array_agg(DISTINCT x ORDER BY x) FILTER (WHERE x IS NOT NULL) AS cites "
            + "FROM ehrflow.chunk c JOIN ehrflow.chunk t ON t.content_hash = c.content_hash "
            + "LEFT JOIN LATERAL unnest(coalesce(t.cites, ARRAY[t.source_id])) x ON true "
            + "WHERE c.patient_key = ? AND c.chunk_id = s.chunk_id AND t.patient_key = ?) tw ON true "
            + "ORDER BY s.ordinality";
    // the de-identified function (V8) returns sources (twins by de-identified text) and cites itself
    private static final String DEID = "SELECT chunk_id, source_id, resource_type, section, note_type, "
            + "deidentified_text, distance, source_type, source_message_id, event_time, resource_version, " + PLACE
            + ", sources, cites FROM ehrflow.search_chunks_deid(?, ?::vector, ?, ?)";

    @Override
    public List<Hit> search(Connection c, SearchQuery q) throws SQLException {
        List<Hit> hits = new ArrayList<>(q.k());
        boolean raw = q.level() == TextLevel.RAW;
        try (PreparedStatement ps = c.prepareStatement(raw ? RAW : DEID)) {
            if (raw) {
                // Planned at every execution with the patient's key (the driver's unnamed statement), as the
                // planner chose anyway: after five runs a named statement may switch to a generic plan, and the
                // generic plan of the twin lookups scanned the patient's rows per hit (80 ms instead of 10).
                ps.unwrap(PGStatement.class).setPrepareThreshold(0);
            }
            ps.setString(1, q.patientKey());
            // sent as text and cast: no vector type registration on pooled connections
            ps.setString(2, new PGvector(q.vector()).toString());
            ps.setInt(3, q.k());
            ps.setString(4, q.model());
            // the twin lookup's patient (5 and 6)
            for (int i = 5; raw && i <= 6; i++) {
                ps.setString(i, q.patientKey());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // a row is its own twin (content_hash is NOT NULL), so no twins means the row is no longer
                    // visible to this statement (deleted after the function's snapshot): left out, as the
                    // former join to the row did
                    if (!raw || !strings(rs.getArray(19)).isEmpty()) {
                        hits.add(hit(rs));
                    }
                }
            }
        }
        return hits;
    }

    private static Hit hit(ResultSet rs) throws SQLException {
        OffsetDateTime t = rs.getObject(10, OffsetDateTime.class);
        String chunkId = rs.getString(1);
        String source = rs.getString(2);
        String version = rs.getString(11);
        List<Hit.Citation> citations = new ArrayList<>();
        citations.add(new Hit.Citation(chunkId, source, version));
        for (String cited : strings(rs.getArray(20))) {
            if (!cited.equals(source)) {
                citations.add(new Hit.Citation(chunkId, cited, null));
            }
        }
        Set<String> sources = new LinkedHashSet<>();
        sources.add(source);
        sources.addAll(strings(rs.getArray(19)));
        return new Hit(chunkId, source, rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getDouble(7), rs.getString(8), rs.getString(9), t == null ? null : t.toInstant(), citations,
                List.copyOf(sources), place(rs));
    }

    /** The document provenance columns (12..18), or null for a chunk that is not from an extracted document. */
    private static Hit.DocumentPlace place(ResultSet rs) throws SQLException {
        Integer pageStart = rs.getObject(12, Integer.class);
        Integer pageEnd = rs.getObject(13, Integer.class);
        String sectionCode = rs.getString(14);
        String part = rs.getString(15);
        boolean ocr = rs.getBoolean(16);
        Float confidence = rs.getObject(17) == null ? null : rs.getFloat(17);
        boolean low = rs.getBoolean(18);
        if (pageStart == null && sectionCode == null && part == null && !ocr) {
            return null;
        }
        return new Hit.DocumentPlace(pageStart, pageEnd, sectionCode, part, ocr, confidence, low);
    }

    private static List<String> strings(Array a) throws SQLException {
        return a == null ? List.of() : Arrays.asList((String[]) a.getArray());
    }

    @Override
    public List<String> modes() {
        return List.of("dense");
    }

    @Override
    public Set<String> filters() {
        return Set.of();
    }
}
