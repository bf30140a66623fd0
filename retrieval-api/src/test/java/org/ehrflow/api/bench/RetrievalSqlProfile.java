package org.ehrflow.api.bench;

import com.pgvector.PGvector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ehrflow.api.ApiFixture;
import org.ehrflow.api.store.ConnectionFactory;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.embedding.OnnxEmbedder;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.runtime.Secret;
import org.ehrflow.schemas.PatientKey;

/**
 * Where a {@code /v1/retrieve} request's database time goes (BENCHMARKS.md "Retrieval API: where the time went"):
 * the same 5,000-chunk patient as {@link RetrievalApiBenchmark}, one reader connection, each named statement run
 * {@code n} times in the API's transaction shape (scope, statement, rollback) after a warm-up, mean wall time per
 * transaction, then {@code EXPLAIN (ANALYZE, BUFFERS)} of each. Usage as the benchmark, main class this one,
 * arguments {@code <iterations> <chunks> [statement SQL files...]}: each file holds one statement whose
 * parameters are, in order, patient key, query vector, k, model, then the patient key again as often as it asks.
 */
public final class RetrievalSqlProfile {

    private static final String QUERY = "has the fever gone and is the cough better";
    private static final int K = 10;

    private RetrievalSqlProfile() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int chunks = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        String patient = PatientKey.of("urn:bench", "P-1");
        Map<String, String> statements = new LinkedHashMap<>();
        statements.put("baseline search_chunks", "SELECT chunk_id, text, distance FROM ehrflow.search_chunks(?, "
                + "?::vector, ?, ?)");
        for (int i = 2; i < args.length; i++) {
            statements.put(args[i], Files.readString(Path.of(args[i])).strip());
        }
        try (LocalPostgres pg = LocalPostgres.startTemporary();
                OnnxEmbedder embedder = OnnxEmbedder.load(ModelVariant.INT8, 1, 1)) {
            ApiFixture.prepare(pg, embedder);
            RetrievalApiBenchmark.fill(pg, patient, chunks, embedder.modelName());
            ConnectionFactory reader = ConnectionFactory.of(pg.jdbcUrl(ApiFixture.DB), ApiFixture.READER,
                    new Secret(ApiFixture.PASSWORD), "bench-profile");
            String vector = new PGvector(embedder.embed(List.of(QUERY)).get(0)).toString();
            try (Connection c = reader.open()) {
                String set = System.getProperty("profile.set");
                if (set != null && !set.isBlank()) {
                    try (var st = c.createStatement()) {
                        st.execute("SET " + set);
                    }
                }
                c.setAutoCommit(false);
                CpuMeter cpu = CpuMeter.of(c);
                for (Map.Entry<String, String> e : statements.entrySet()) {
                    time(c, e.getKey(), e.getValue(), patient, vector, embedder.modelName(), n, cpu);
                }
                for (Map.Entry<String, String> e : statements.entrySet()) {
                    explain(c, e.getKey(), e.getValue(), patient, vector, embedder.modelName());
                }
            }
        }
    }

    private static void time(Connection c, String name, String sql, String patient, String vector, String model,
            int n, CpuMeter cpu) throws SQLException {
        for (int i = 0; i < Math.max(20, n / 5); i++) {
            once(c, sql, patient, vector, model, false);
        }
        long t0 = System.nanoTime();
        double[] cpu0 = cpu.now();
        for (int i = 0; i < n; i++) {
            once(c, sql, patient, vector, model, false);
        }
        double[] cpu1 = cpu.now();
        System.out.printf(Locale.ROOT, "%-40s %8.3f ms per transaction (scope + statement + rollback, %d runs), "
                + "CPU jvm %.3f ms, pg %.3f ms%n", name, (System.nanoTime() - t0) / 1e6 / n, n,
                (cpu1[0] - cpu0[0]) / n, (cpu1[1] - cpu0[1]) / n);
    }

    private static void explain(Connection c, String name, String sql, String patient, String vector, String model)
            throws SQLException {
        System.out.println("== EXPLAIN (ANALYZE, BUFFERS) " + name);
        once(c, "EXPLAIN (ANALYZE, BUFFERS, VERBOSE) " + sql, patient, vector, model, true);
    }

    /**
     * One transaction in the API's shape: scope, {@code sql} (parameters: patient, vector, k, model, then the
     * patient as often as it asks), rollback.
     */
    static void once(Connection c, String sql, String patient, String vector, String model, boolean print)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT set_config('ehrflow.patient_key', ?, true)")) {
            s.setString(1, patient);
            s.executeQuery().close();
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            // counted here, not asked of the server: a describe round trip would be charged to the statement
            long count = sql.chars().filter(ch -> ch == '?').count();
            ps.setString(1, patient);
            ps.setString(2, vector);
            ps.setInt(3, K);
            ps.setString(4, model);
            for (int i = 5; i <= count; i++) {
                ps.setString(i, patient);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (print) {
                        System.out.println(rs.getString(1));
                    }
                }
            }
        }
        if (print) {
            // relation locks the transaction took: beyond 16 per backend they leave the fast path for the shared
            // lock table, whose partition locks concurrent searches then contend on
            try (PreparedStatement l = c.prepareStatement("SELECT fastpath, count(*), "
                    + "string_agg(relation::regclass::text, ' ' ORDER BY relation::regclass::text) FROM pg_locks "
                    + "WHERE pid = pg_backend_pid() AND locktype = 'relation' GROUP BY fastpath");
                    ResultSet rs = l.executeQuery()) {
                while (rs.next()) {
                    System.out.println("relation locks held, fast path " + rs.getBoolean(1) + ": " + rs.getInt(2)
                            + " (" + rs.getString(3) + ")");
                }
            }
        }
        c.rollback();
    }
}
