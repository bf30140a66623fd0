package org.ehrflow.demo.retrieval;

import com.pgvector.PGvector;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The pipeline's read path: {@code ehrflow.search_chunks} (the V6 overload with the question's text) in one mode
 * and fusion, in a transaction scoped to the patient like a retrieval service's. A hit cites its row's sources
 * (twins collapsed by the function) and the facts the row states.
 */
record PipelineSearcher(String mode, String fusion, double lexicalWeight) implements Searcher {

    private static final String SQL = """
            SELECT text, sources, cites FROM ehrflow.search_chunks(?, ?::vector, ?, ?, NULL, p_mode => ?, p_fusion => ?,
                p_lexical_weight => ?)""";

    @Override
    public String name() {
        return mode.equals("hybrid") ? "hybrid " + fusion + " w=" + lexicalWeight : mode;
    }

    @Override
    public List<Hit> search(Connection c, String patientKey, String question, float[] queryVector, int k)
            throws SQLException {
        try (PreparedStatement scope = c.prepareStatement("SELECT set_config('ehrflow.patient_key', ?, true)")) {
            scope.setString(1, patientKey);
            scope.executeQuery().close();
        }
        List<Hit> hits = new ArrayList<>(k);
        try (PreparedStatement ps = c.prepareStatement(SQL)) {
            ps.setString(1, patientKey);
            ps.setString(2, new PGvector(queryVector).toString());
            ps.setString(3, question);
            ps.setInt(4, k);
            ps.setString(5, mode);
            ps.setString(6, fusion);
            ps.setDouble(7, lexicalWeight);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> cites = new ArrayList<>(Arrays.asList((String[]) rs.getArray(2).getArray()));
                    cites.addAll(Arrays.asList((String[]) rs.getArray(3).getArray()));
                    hits.add(new Hit(rs.getString(1), cites));
                }
            }
        }
        c.commit();
        return hits;
    }
}
