package org.ehrflow.api.bench;

import com.pgvector.PGvector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.ehrflow.api.ApiFixture;
import org.ehrflow.api.store.ConnectionFactory;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.embedding.OnnxEmbedder;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.runtime.Secret;
import org.ehrflow.schemas.PatientKey;
import org.postgresql.PGConnection;

/**
 * What a search statement costs the database under concurrency, against the bare search function, measured side
 * by side (where {@link RetrievalSqlProfile} measures one connection): the same 5,000-chunk patient, the cluster
 * pinned to core 0 and this JVM to core 1 ({@link CpuPinning}), and for each candidate statement {@code clients}
 * connections running it and as many running the baseline at the same time, each in the API's transaction shape
 * (scope, statement, rollback) in a closed loop. Each side's database CPU per transaction is read from its own
 * backends (application names {@code bench-base}, {@code bench-candidate}): both pay the machine's speed of the
 * same seconds, so this VM's drift (+-30% within minutes) cancels out of their ratio, which one statement after
 * the other did not (the same statement run twice differed by 16%). Statement files as {@code RetrievalSqlProfile}'s;
 * a file whose first line is {@code -- unnamed} runs as the driver's unnamed statement (planned at every
 * execution, as {@code SqlSearchBackend} runs its statement). Properties: {@code profile.setup}, a SQL file run as the
 * database owner first (e.g. a candidate function); {@code profile.base}, a statement file for the baseline instead
 * of the bare {@code search_chunks}; {@code profile.login=deid}, both sides as the de-identified reader. Usage: {@code java -cp <test classpath>
 * org.ehrflow.api.bench.RetrievalSqlLoad <seconds> <chunks> <clients> <rounds> [statement SQL files...]}.
 */
public final class RetrievalSqlLoad {

    private static final String QUERY = "has the fever gone and is the cough better";
    private static final int K = 10;

    private RetrievalSqlLoad() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = Integer.parseInt(args[0]);
        int chunks = Integer.parseInt(args[1]);
        int clients = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        String patient = PatientKey.of("urn:bench", "P-1");
        Map<String, String> statements = new LinkedHashMap<>();
        String baseFile = System.getProperty("profile.base");
        statements.put(baseFile == null ? "baseline search_chunks" : "baseline " + Path.of(baseFile).getFileName(),
                baseFile == null ? "SELECT chunk_id, text, distance FROM ehrflow.search_chunks(?, ?::vector, ?, ?)"
                        : Files.readString(Path.of(baseFile)).strip());
        for (int i = 4; i < args.length; i++) {
            statements.put(Path.of(args[i]).getFileName().toString(), Files.readString(Path.of(args[i])).strip());
        }
        try (LocalPostgres pg = LocalPostgres.startTemporary();
                OnnxEmbedder embedder = OnnxEmbedder.load(ModelVariant.INT8, 1, 1)) {
            ApiFixture.prepare(pg, embedder);
            RetrievalApiBenchmark.fill(pg, patient, chunks, embedder.modelName());
            String setup = System.getProperty("profile.setup");
            if (setup != null) {
                try (Connection owner = pg.connect(ApiFixture.DB); Statement st = owner.createStatement()) {
                    st.execute(Files.readString(Path.of(setup)));
                }
            }
            // -Dprofile.login=deid: both sides on the de-identified reader's login (its functions are its own)
            String login = "deid".equals(System.getProperty("profile.login")) ? ApiFixture.DEID : ApiFixture.READER;
            ConnectionFactory base = ConnectionFactory.of(pg.jdbcUrl(ApiFixture.DB), login,
                    new Secret(ApiFixture.PASSWORD), "bench-base");
            ConnectionFactory candidate = ConnectionFactory.of(pg.jdbcUrl(ApiFixture.DB), login,
                    new Secret(ApiFixture.PASSWORD), "bench-candidate");
            String vector = new PGvector(embedder.embed(List.of(QUERY)).get(0)).toString();
            Map.Entry<String, String> first = statements.entrySet().iterator().next();
            try (Connection monitor = pg.connect(ApiFixture.DB)) {
                CpuMeter cpu = CpuMeter.of(monitor);
                CpuPinning.pin(cpu.postmaster(), "0", "1");
                Map<String, List<double[]>> ratios = new LinkedHashMap<>();
                // round -1 warms every statement up (plans cached, JIT) and is not reported
                for (int round = -1; round < rounds; round++) {
                    for (Map.Entry<String, String> e : statements.entrySet()) {
                        if (e == first) {
                            continue;
                        }
                        List<Map<String, Double>> readings = new ArrayList<>();
                        long[] done = together(base, first.getValue(), candidate, e.getValue(), patient, vector,
                                embedder.modelName(), clients, round < 0 ? Math.max(5, seconds / 2) : seconds,
                                () -> readings.add(cpu.pgByRole(monitor)));
                        Map<String, Double> pg0 = readings.get(0);
                        Map<String, Double> pg1 = readings.get(1);
                        if (round < 0) {
                            continue;
                        }
                        double baseMs = CpuMeter.delta(pg0, pg1, "pg:bench-base") / Math.max(1, done[0]);
                        double candMs = CpuMeter.delta(pg0, pg1, "pg:bench-candidate") / Math.max(1, done[1]);
                        System.out.printf(Locale.ROOT, "round %d %-28s %6.1f tx/s pg %6.3f ms/tx | baseline %6.1f "
                                + "tx/s pg %6.3f ms/tx%n", round, e.getKey(), done[1] / (double) seconds, candMs,
                                done[0] / (double) seconds, baseMs);
                        ratios.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                                .add(new double[] {baseMs / candMs, candMs - baseMs});
                    }
                }
                System.out.printf(Locale.ROOT, "%d clients each, %d s per pair, %d rounds; each statement beside "
                        + "the baseline:%n", clients, seconds, rounds);
                ratios.forEach((name, list) -> {
                    double[] ratio = list.stream().mapToDouble(x -> x[0]).sorted().toArray();
                    double[] extra = list.stream().mapToDouble(x -> x[1]).sorted().toArray();
                    System.out.printf(Locale.ROOT, "  %-28s database CPU per tx, baseline / it: median %.3f "
                            + "(%.3f-%.3f); extra ms/tx median %+.3f (%+.3f..%+.3f)%n", name, ratio[ratio.length / 2],
                            ratio[0], ratio[ratio.length - 1], extra[extra.length / 2], extra[0],
                            extra[extra.length - 1]);
                });
            }
        }
    }

    /**
     * {@code clients} closed loops of each statement, side by side, for {@code seconds}: transactions of each;
     * {@code meter} runs before and after, while the connections are open.
     */
    private static long[] together(ConnectionFactory baseLogin, String baseSql, ConnectionFactory candLogin,
            String candSql, String patient, String vector, String model, int clients, int seconds, Runnable meter)
            throws Exception {
        List<Connection> conns = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong errors = new AtomicLong();
        AtomicLong[] done = {new AtomicLong(), new AtomicLong()};
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 2 * clients; i++) {
            int side = i % 2;
            String sql = side == 0 ? baseSql : candSql;
            Connection c = (side == 0 ? baseLogin : candLogin).open();
            c.setAutoCommit(false);
            if (sql.startsWith("-- unnamed")) {
                c.unwrap(PGConnection.class).setPrepareThreshold(0);
            }
            conns.add(c);
            threads.add(new Thread(() -> {
                while (!stop.get()) {
                    try {
                        RetrievalSqlProfile.once(c, sql, patient, vector, model, false);
                        done[side].incrementAndGet();
                    } catch (SQLException e) {
                        errors.incrementAndGet();
                    }
                }
            }));
        }
        // read while the backends live: a backend's CPU leaves its name when it exits
        meter.run();
        threads.forEach(Thread::start);
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        meter.run();
        for (Connection c : conns) {
            c.close();
        }
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " failed transactions");
        }
        return new long[] {done[0].get(), done[1].get()};
    }
}
