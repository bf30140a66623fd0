package org.ehrflow.demo.retrieval;

import com.pgvector.PGvector;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.ehrflow.embedding.Embedder;

/**
 * Serves the benchmark's index with another model: re-embeds every row of {@code ehrflow.chunk} (the pipeline's
 * texts, unchanged) in place and names the model in {@code ehrflow.embedding_model}. A benchmark shortcut, not a
 * migration path (production uses the re-index's shadow columns). Measures the process CPU the model used.
 */
final class ModelSwap {

    /** Chunks embedded and process CPU nanoseconds spent embedding them. */
    record Cost(int chunks, long cpuNanos, long wallNanos) {
        double cpuMillisPerChunk() {
            return chunks == 0 ? 0 : cpuNanos / 1e6 / chunks;
        }
    }

    private ModelSwap() {
    }

    static String serving(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT model_name FROM ehrflow.embedding_model WHERE role = 'serving'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Re-embeds the rows of {@code patients} (the patients the run asks about). */
    static Cost reembed(Connection c, Embedder embedder, List<String> patients) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT patient_key, chunk_id, text FROM ehrflow.chunk "
                + "WHERE patient_key = ANY (?) ORDER BY patient_key, chunk_id")) {
            ps.setArray(1, c.createArrayOf("text", patients.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
        }
        long cpu = 0;
        long wall = 0;
        try (PreparedStatement up = c.prepareStatement("UPDATE ehrflow.chunk SET embedding = ?::vector, model_name = ? "
                + "WHERE patient_key = ? AND chunk_id = ?")) {
            for (int from = 0; from < rows.size(); from += 64) {
                List<String[]> part = rows.subList(from, Math.min(rows.size(), from + 64));
                long cpu0 = processCpu();
                long wall0 = System.nanoTime();
                List<float[]> vectors = embedder.embed(part.stream().map(r -> r[2]).toList());
                cpu += processCpu() - cpu0;
                wall += System.nanoTime() - wall0;
                for (int i = 0; i < part.size(); i++) {
                    up.setString(1, new PGvector(vectors.get(i)).toString());
                    up.setString(2, embedder.modelName());
                    up.setString(3, part.get(i)[0]);
                    up.setString(4, part.get(i)[1]);
                    up.addBatch();
                }
                up.executeBatch();
            }
        }
        try (PreparedStatement reg = c.prepareStatement(
                "UPDATE ehrflow.embedding_model SET model_name = ?, since = clock_timestamp() WHERE role = 'serving'")) {
            reg.setString(1, embedder.modelName());
            reg.executeUpdate();
        }
        c.commit();
        return new Cost(rows.size(), cpu, wall);
    }

    /** CPU time of the whole JVM process (ONNX Runtime's native threads included). */
    static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
