package org.ehrflow.api.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Random;
import org.ehrflow.api.search.SqlSearchBackend;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.sink.store.Migrations;

/**
 * What the citation columns cost the searches (BENCHMARKS.md "De-identified read side"): one patient with N chunks
 * (one in ten a twin of another: same text under another source), single-threaded calls in one run, each in its
 * own scoped transaction on its reader login, the four variants interleaved call by call: (a) the raw
 * four-argument {@code search_chunks} alone, (b) the API's raw query (that plus sources/cites over twins), (c) the
 * de-identified search as it was before V8 (the same scan, nine columns), (d) {@code search_chunks_deid} of V8
 * (citation columns, twins through {@code deid_twins}).
 * Usage: {@code java -cp <test classpath> org.ehrflow.api.bench.DeidSearchBenchmark <chunks> <calls>}.
 */
public final class DeidSearchBenchmark {

    private static final String PATIENT = "pk_0123456789abcdef0123456789abcdef";
    private static final String BARE_RAW = "SELECT chunk_id FROM ehrflow.search_chunks(?, ?::vector, ?, ?)";
    private static final String OLD_DEID = "SELECT c.chunk_id, c.source_id, c.resource_type, c.section, "
            + "c.deidentified_text, c.source_type, c.source_message_id, c.event_time, "
            + "(c.embedding <=> ?::vector)::double precision FROM ehrflow.chunk c WHERE c.patient_key = ? "
            + "ORDER BY c.embedding <=> ?::vector, c.chunk_id LIMIT ?";
    private static final String NEW_DEID = "SELECT * FROM ehrflow.search_chunks_deid(?, ?::vector, ?, ?)";

    private DeidSearchBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int chunks = Integer.parseInt(args[0]);
        int calls = Integer.parseInt(args[1]);
        try (LocalPostgres pg = LocalPostgres.startTemporary()) {
            pg.requireVector();
            pg.createDatabase("bench");
            String url = pg.jdbcUrl("bench");
            Migrations.run(url, pg.superuser(), pg.superuserPassword());
            try (Connection c = pg.connect("bench"); Statement st = c.createStatement()) {
                st.execute("CREATE ROLE b_reader LOGIN PASSWORD 'bench' IN ROLE ehrflow_reader");
                st.execute("CREATE ROLE b_deid LOGIN PASSWORD 'bench' IN ROLE ehrflow_deid_reader");
                st.execute("INSERT INTO ehrflow.chunk (patient_key, chunk_id, source_id, resource_type, chunk_index, "
                        + "text, deidentified_text, token_count, content_hash, phi_present, source_type, source_system,"
                        + " source_message_id, raw_partition, raw_offset, ingest_time, model_name, embedding, cites) "
                        + "SELECT '" + PATIENT + "', 'Observation/o' || g || '#0', 'Observation/o' || g, "
                        + "'Observation', 0, 'text ' || (g % " + (chunks * 9 / 10) + "), 'deid ' || g, 10, "
                        + "md5('text ' || (g % " + (chunks * 9 / 10) + ")), false, 'HL7V2', 'HOSP', 'M' || g, 0, g, "
                        + "now(), 'm', (SELECT array_agg(random())::real[] FROM generate_series(1, 384) WHERE g > 0)"
                        + "::vector, CASE WHEN g % 3 = 0 THEN ARRAY['Observation/o' || g, 'Encounter/e' || (g % 50)] "
                        + "END FROM generate_series(1, " + chunks + ") g");
                st.execute("ANALYZE ehrflow.chunk");
            }
            String q = vector(new Random(7));
            String[] names = {"raw search_chunks alone", "raw, the API's query (+sources/cites)",
                "deid as before V8 (9 columns)", "deid search_chunks_deid V8"};
            String[] sqls = {BARE_RAW, rawApiQuery(), OLD_DEID, NEW_DEID};
            String[] users = {"b_reader", "b_reader", "b_deid", "b_deid"};
            for (int k : new int[] {10, 50}) {
                System.out.printf("k=%d, %d chunks, %d calls each, interleaved (p50 / mean ms)%n", k, chunks, calls);
                Connection[] cs = new Connection[4];
                double[][] ms = new double[4][calls];
                try {
                    for (int v = 0; v < 4; v++) {
                        cs[v] = DriverManager.getConnection(url, users[v], "bench");
                        cs[v].setAutoCommit(false);
                    }
                    for (int i = -calls / 5; i < calls; i++) {
                        for (int j = 0; j < 4; j++) {
                            int v = (i + calls + j) % 4; // rotating order: no variant always runs first
                            double t = call(cs[v], names[v], sqls[v], q, k, v == 1);
                            if (i >= 0) {
                                ms[v][i] = t;
                            }
                        }
                    }
                } finally {
                    for (Connection c : cs) {
                        if (c != null) {
                            c.close();
                        }
                    }
                }
                for (int v = 0; v < 4; v++) {
                    Arrays.sort(ms[v]);
                    System.out.printf("  %-40s %7.2f / %7.2f%n", names[v], ms[v][calls / 2],
                            Arrays.stream(ms[v]).average().orElse(0));
                }
            }
        }
    }

    private static String rawApiQuery() throws Exception {
        var f = SqlSearchBackend.class.getDeclaredField("RAW");
        f.setAccessible(true);
        return (String) f.get(null);
    }

    /** One scoped call in its own transaction; milliseconds. */
    private static double call(Connection c, String name, String sql, String q, int k, boolean rawApi)
            throws SQLException {
        long t0 = System.nanoTime();
        try (PreparedStatement scope = c.prepareStatement("SELECT set_config('ehrflow.patient_key', ?, true)")) {
            scope.setString(1, PATIENT);
            scope.executeQuery().close();
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (OLD_DEID.equals(sql)) {
                ps.setString(1, q);
                ps.setString(2, PATIENT);
                ps.setString(3, q);
                ps.setInt(4, k);
            } else {
                ps.setString(1, PATIENT);
                ps.setString(2, q);
                ps.setInt(3, k);
                ps.setString(4, null);
                if (rawApi) {
                    ps.setString(5, PATIENT);
                }
            }
            int n = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    n++;
                }
            }
            if (n != k) {
                throw new IllegalStateException(name + ": " + n + " rows");
            }
        }
        c.rollback();
        return (System.nanoTime() - t0) / 1e6;
    }

    private static String vector(Random r) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < 384; i++) {
            b.append(i == 0 ? "" : ",").append(r.nextFloat());
        }
        return b.append(']').toString();
    }
}
