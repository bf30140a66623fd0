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

/**
 * Today's search: {@code ehrflow.search_chunks_cited} (the four-argument dense search with each hit's citations)
 * and {@code search_chunks_deid} (dense only, no filters), naming the query's model so a search is refused (55000)
 * instead of comparing two models' vectors around a re-index switch. Both levels answer the same citation columns
 * (version, document place, the facts a chunk cites); only the text column differs, and the de-identified login
 * has no grant on raw text.
 */
public final class SqlSearchBackend implements SearchBackend {

    private static final String PLACE = "page_start, page_end, section_code, document_part, ocr, ocr_confidence, "
            + "ocr_low_confidence";
    // Both functions answer each hit's sources (its twins: rows of the patient with the same text) and the facts it
    // cites; the raw one (search_chunks_cited) reads all the hits' twins in one index scan inside the function.
    // Computed here instead, per hit in a lateral lookup on the four-argument form's rows, they cost 0.9 ms more
    // database CPU per search under 16 concurrent readers than the bare function; the function costs 0.4-0.6 ms
    // more at 5,000 chunks, against a bare function now planned per call itself (RetrievalSqlLoad, BENCHMARKS.md
    // "Retrieval API, session 8").
    private static final String COLUMNS = "chunk_id, source_id, resource_type, section, note_type, %s, distance, "
            + "source_type, source_message_id, event_time, resource_version, " + PLACE + ", sources, cites";
    static final String RAW = "SELECT " + COLUMNS.formatted("text")
            + " FROM ehrflow.search_chunks_cited(?, ?::vector, ?, ?)";
    private static final String DEID = "SELECT " + COLUMNS.formatted("deidentified_text")
            + " FROM ehrflow.search_chunks_deid(?, ?::vector, ?, ?)";

    @Override
    public List<Hit> search(Connection c, SearchQuery q) throws SQLException {
        List<Hit> hits = new ArrayList<>(q.k());
        try (PreparedStatement ps = c.prepareStatement(q.level() == TextLevel.RAW ? RAW : DEID)) {
            ps.setString(1, q.patientKey());
            // sent as text and cast: no vector type registration on pooled connections
            ps.setString(2, new PGvector(q.vector()).toString());
            ps.setInt(3, q.k());
            ps.setString(4, q.model());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    hits.add(hit(rs));
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
