package org.ehrflow.api.search;

import com.pgvector.PGvector;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.ehrflow.api.auth.TextLevel;

/**
 * Today's search: the four-argument {@code ehrflow.search_chunks} / {@code search_chunks_deid} (dense only, no
 * filters), naming the query's model so a search is refused (55000) instead of comparing two models' vectors
 * around a re-index switch.
 */
public final class SqlSearchBackend implements SearchBackend {

    private static final String RAW = """
            SELECT chunk_id, source_id, resource_type, section, note_type, text, distance, source_type,
                   source_message_id, event_time, resource_version
            FROM ehrflow.search_chunks(?, ?::vector, ?, ?)""";
    // the de-identified function returns fewer columns: the login behind it has no grant on raw text
    private static final String DEID = """
            SELECT chunk_id, source_id, resource_type, section, NULL::text, deidentified_text, distance,
                   source_type, source_message_id, event_time, NULL::text
            FROM ehrflow.search_chunks_deid(?, ?::vector, ?, ?)""";

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
                    OffsetDateTime t = rs.getObject(10, OffsetDateTime.class);
                    String chunkId = rs.getString(1);
                    String source = rs.getString(2);
                    hits.add(new Hit(chunkId, source, rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getDouble(7), rs.getString(8), rs.getString(9),
                            t == null ? null : t.toInstant(),
                            List.of(new Hit.Citation(chunkId, source, rs.getString(11)))));
                }
            }
        }
        return hits;
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
