package org.ehrflow.demo.retrieval;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Search latency for one large patient (the target: p99 <= 50 ms at 10,000 chunks, hybrid, warm). Builds a
 * synthetic patient from copies of the largest indexed patient's rows (each copy's text marked, so every row is a
 * distinct text with its own lexemes and hash; vectors reused: latency does not depend on their values), asks every
 * question's text twice (the first pass warms caches and plans) and measures the second pass per mode. Removes the
 * synthetic patient afterwards.
 */
final class LatencyProbe {

    static final String KEY = "pk_ffffffffffffffffffffffffffffffff";

    private LatencyProbe() {
    }

    static void run(Connection c, List<Question> questions, Evaluation.QueryVectors vectors, int rows,
            BenchReport report, String model, PrintStream out) throws Exception {
        int made = build(c, rows);
        out.printf("%n== latency: synthetic patient with %d chunks, %d questions, second pass measured ==%n", made,
                questions.size());
        report.latencyHeader();
        try {
            for (String mode : List.of("dense", "lexical", "hybrid")) {
                PipelineSearcher s = new PipelineSearcher(mode, "score", 0.5);
                RankMetrics warm = new RankMetrics();
                for (int pass = 0; pass < 2; pass++) {
                    for (Question q : questions) {
                        long t0 = System.nanoTime();
                        s.search(c, KEY, q.question(), vectors.of(q), 10);
                        if (pass == 1) {
                            warm.add(q, List.of(), 1, System.nanoTime() - t0);
                        }
                    }
                }
                report.latencyRow(model, mode, made, warm);
            }
        } finally {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM ehrflow.chunk WHERE patient_key = ?")) {
                del.setString(1, KEY);
                del.executeUpdate();
            }
            c.commit();
        }
    }

    /** Copies of the largest patient's rows under {@link #KEY} until it has at least {@code rows}. */
    private static int build(Connection c, int rows) throws SQLException {
        String source;
        try (PreparedStatement ps = c.prepareStatement("SELECT patient_key FROM ehrflow.chunk GROUP BY 1 "
                + "ORDER BY count(*) DESC LIMIT 1"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            source = rs.getString(1);
        }
        int copy = 0;
        int have = 0;
        while (have < rows) {
            copy++;
            try (PreparedStatement ins = c.prepareStatement("""
                    INSERT INTO ehrflow.chunk (patient_key, chunk_id, source_id, resource_type, resource_version,
                        encounter_id, note_type, section, chunk_index, text, token_count, content_hash, phi_present,
                        phi_kinds, source_type, source_system, source_message_id, raw_topic, raw_partition, raw_offset,
                        event_time, ingest_time, model_name, embedding, cites)
                    SELECT ?, chunk_id || '~' || ?, source_id, resource_type, resource_version, encounter_id, note_type,
                        section, chunk_index, text || ' (copy ' || ? || ')', token_count,
                        encode(sha256(convert_to(text || ' (copy ' || ? || ')', 'UTF8')), 'hex'), phi_present,
                        phi_kinds, source_type, source_system, source_message_id, raw_topic, raw_partition, raw_offset,
                        event_time, ingest_time, model_name, embedding, cites
                    FROM ehrflow.chunk WHERE patient_key = ? ORDER BY chunk_id LIMIT ?""")) {
                ins.setString(1, KEY);
                ins.setInt(2, copy);
                ins.setInt(3, copy);
                ins.setInt(4, copy);
                ins.setString(5, source);
                ins.setInt(6, rows - have);
                have += ins.executeUpdate();
            }
            c.commit();
        }
        try (PreparedStatement an = c.prepareStatement("ANALYZE ehrflow.chunk")) {
            an.execute();
        }
        c.commit();
        return have;
    }
}
