package org.ehrflow.demo.retrieval;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How many distinct relevant texts an index holds for each question: the ideal list of nDCG@10. Read once per index
 * from its rows (text and source), twins counted once since the search returns them once.
 */
final class RelevantCounts {

    private final Map<String, List<Hit>> rowsByPatient = new HashMap<>();
    private final Map<String, Integer> cache = new HashMap<>();

    /** {@code sql} selects (patient_key, text, source_id) for one patient key parameter. */
    static RelevantCounts of(Connection c, String sql, List<Question> questions) throws Exception {
        RelevantCounts r = new RelevantCounts();
        Set<String> patients = new HashSet<>();
        questions.forEach(q -> patients.add(q.patient()));
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (String p : patients) {
                ps.setString(1, p);
                List<Hit> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Hit(rs.getString(2), List.of(rs.getString(3))));
                    }
                }
                r.rowsByPatient.put(p, rows);
            }
        }
        c.commit();
        return r;
    }

    int count(Question q) {
        return cache.computeIfAbsent(q.id(), id -> {
            Set<String> texts = new HashSet<>();
            for (Hit h : rowsByPatient.getOrDefault(q.patient(), List.of())) {
                if (Relevance.relevant(q, h)) {
                    texts.add(Relevance.normal(h.text()));
                }
            }
            return texts.size();
        });
    }
}
