package org.ehrflow.api.bench;

import com.pgvector.PGvector;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.stream.Collectors;
import org.ehrflow.api.ApiConfig;
import org.ehrflow.api.ApiFixture;
import org.ehrflow.api.RetrievalApiApp;
import org.ehrflow.api.TestTokens;
import org.ehrflow.api.audit.AuditChain;
import org.ehrflow.api.audit.AuditRecord;
import org.ehrflow.api.audit.AuditWriter;
import org.ehrflow.api.auth.TextLevel;
import org.ehrflow.api.search.SearchQuery;
import org.ehrflow.api.search.SqlSearchBackend;
import org.ehrflow.api.store.ConnectionFactory;
import org.ehrflow.api.store.ConnectionPool;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.embedding.OnnxEmbedder;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.runtime.Secret;
import org.ehrflow.schemas.PatientKey;

/**
 * {@code /v1/retrieve} against the search function over JDBC, in one run, for one patient with 5,000 chunks
 * (BENCHMARKS.md "Retrieval API"). Phases per client count: (1) JDBC: scope + {@code search_chunks} with a
 * precomputed query vector, on a pool as large as the API's (the baseline); (2) JDBC + embedding the
 * question per call; (3) JDBC + embedding + the API's own search statement ({@code SqlSearchBackend}: the hits
 * with their twins' sources and cited facts), the same work the API does minus HTTP, auth and audit; (4, 5) the
 * API over HTTP (JDK HttpClient, keep-alive), one question per model call and batched, the question cache off;
 * (6) the API with its default question cache: the benchmark's one question is then a hit after the first request,
 * the case of a question asked of many patients, not of a new question; (7) audit appends alone
 * (group commit). Each line reports CPU per request of this JVM and of the PostgreSQL cluster, and the load
 * average. System properties: {@code bench.phases} (phase name prefixes separated by {@code ;}),
 * {@code bench.clients} (default {@code 16,64}), {@code bench.warmup} (seconds per phase at 16 clients before
 * measuring, default 20: the API's code path is large and C2 was still compiling it after a minute at 3 s),
 * {@code bench.threads=true} (JVM CPU per request by thread group, JIT and GC included), {@code bench.pgCpus} and
 * {@code bench.jvmCpus} (e.g. {@code 0} and {@code 1}: the cluster and this JVM on separate cores, see
 * {@link CpuPinning}), {@code bench.rounds} (the phase list repeated per client count; the summary then gives each
 * phase's median ratio to the first phase of the same round), {@code bench.mixed=true} (each API phase run beside
 * the first phase instead, their database CPU per request compared: see {@code mixed}). Usage:
 * {@code java -cp <test classpath> org.ehrflow.api.bench.RetrievalApiBenchmark <seconds per phase> <chunks>}.
 */
public final class RetrievalApiBenchmark {

    private static final String QUERY = "has the fever gone and is the cough better";
    private static final int K = 10;
    private static final int POOL = 16;

    private RetrievalApiBenchmark() {
    }

    /** Throughput and latency percentiles of one phase. */
    record Result(String phase, int clients, long requests, long errors, double seconds, double p50Ms,
            double p99Ms, double jvmCpuMs, double pgCpuMs, String load) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "%-48s clients=%3d  %8.1f req/s  p50 %7.2f ms  p99 %7.2f ms  CPU/req jvm %5.2f ms pg %5.2f ms"
                    + "  (%d req, %d errors, load %s)", phase, clients, requests / seconds, p50Ms, p99Ms,
                    jvmCpuMs / Math.max(1, requests), pgCpuMs / Math.max(1, requests), requests, errors, load);
        }
    }

    interface Call {
        boolean run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int chunks = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        String patient = PatientKey.of("urn:bench", "P-1");
        try (LocalPostgres pg = LocalPostgres.startTemporary();
                OnnxEmbedder embedder = OnnxEmbedder.load(ModelVariant.INT8, 1, 1);
                // The API's model as RetrievalApiApp.main loads it: batches allowed (its QueryBatcher uses them).
                OnnxEmbedder apiModel = OnnxEmbedder.load(ModelVariant.INT8, 1,
                        OnnxEmbedder.defaultMaxBatch(ModelVariant.INT8))) {
            ApiFixture.prepare(pg, embedder);
            fill(pg, patient, chunks, embedder.modelName());
            TestTokens idp = new TestTokens();
            Path jwks = ApiFixture.writeJwks(idp);
            Map<String, String> env = ApiFixture.env(pg, jwks, Map.of("EHRFLOW_API_RATE_PER_SECOND", "100000",
                    "EHRFLOW_API_RATE_BURST", "100000", "EHRFLOW_API_POOL_SIZE", Integer.toString(POOL),
                    "EHRFLOW_API_WORKER_THREADS", "64", "EHRFLOW_API_MAX_K", "50"));
            // every question through the model (the benchmark asks one question: with the default cache, every
            // request after the first is a hit; that is measured separately, on the instance "cached")
            Map<String, String> cached = with(env, "EHRFLOW_API_PORT", "0");
            env = with(env, "EHRFLOW_API_QUERY_CACHE", "0");
            ConnectionFactory reader = ConnectionFactory.of(pg.jdbcUrl(ApiFixture.DB), ApiFixture.READER,
                    new Secret(ApiFixture.PASSWORD), "bench-jdbc");
            float[] q = embedder.embed(List.of(QUERY)).get(0);
            String model = embedder.modelName();
            List<Result> results = new ArrayList<>();
            Map<String, String> single = with(with(env, "EHRFLOW_API_QUERY_BATCH", "1"), "EHRFLOW_API_PORT", "0");
            ExecutorService clientExecutor = Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "bench-http-client");
                t.setDaemon(true);
                return t;
            });
            try (RetrievalApiApp app = RetrievalApiApp.start(ApiConfig.fromEnv(env), apiModel,
                    new SimpleMeterRegistry());
                    RetrievalApiApp unbatched = RetrievalApiApp.start(ApiConfig.fromEnv(single), apiModel,
                            new SimpleMeterRegistry());
                    RetrievalApiApp withCache = RetrievalApiApp.start(ApiConfig.fromEnv(cached), apiModel,
                            new SimpleMeterRegistry()); ConnectionPool pool = new ConnectionPool(reader, POOL, 30_000);
                    AuditWriter audit = new AuditWriter(reader, new AuditChain(
                            ApiFixture.AUDIT_KEY.getBytes(StandardCharsets.UTF_8)))) {
                // a fixed executor: the default cached pool keeps starting and retiring threads under a closed
                // loop, and that churn kept C2 deoptimizing and recompiling the executor's code (1-2 ms of JIT CPU
                // per request after a minute of warm-up)
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .executor(clientExecutor).build();
                String token = idp.patient("bench", patient);
                String body = "{\"patient\":{\"key\":\"" + patient + "\"},\"query\":\"" + QUERY + "\",\"k\":" + K + "}";
                Call jdbc = () -> pool.inTransaction(c -> search(c, patient, q, model)) == K;
                Call jdbcEmbed = () -> {
                    float[] v = embedder.embed(List.of(QUERY)).get(0);
                    return pool.inTransaction(c -> search(c, patient, v, model)) == K;
                };
                Call api = retrieve(http, app, token, body);
                Call apiSingle = retrieve(http, unbatched, token, body);
                Call apiCached = retrieve(http, withCache, token, body);
                Call auditOnly = () -> {
                    audit.append(new AuditRecord(Instant.now(), UUID.randomUUID(), "POST /v1/retrieve", "bench",
                            "u", List.of("patient/*.read"), null, patient, "RAW", "h", null, K,
                            List.of("a#0", "b#0"), List.of("a", "b"), 2, 200, "ALLOWED", null, 3)).get();
                    return true;
                };
                // like-for-like: the API's own search statement (hit rows, twins' sources and cited facts) over JDBC
                SqlSearchBackend backend = new SqlSearchBackend();
                Call jdbcApiSql = () -> {
                    float[] v = embedder.embedQuery(QUERY);
                    SearchQuery sq = new SearchQuery(patient, QUERY, v, model, K, TextLevel.RAW, "dense", Map.of());
                    return pool.inTransaction(c -> {
                        scope(c, patient);
                        return backend.search(c, sq).size();
                    }) == K;
                };
                Map<String, Call> phases = new LinkedHashMap<>();
                phases.put("jdbc search", jdbc);
                phases.put("jdbc embed+search", jdbcEmbed);
                phases.put("jdbc embed+search, the API's statement", jdbcApiSql);
                phases.put("api /v1/retrieve, one question per model call", apiSingle);
                phases.put("api /v1/retrieve, questions batched, no cache", api);
                phases.put("api /v1/retrieve, a repeated question, cached (default)", apiCached);
                phases.put("audit append only", auditOnly);
                String only = System.getProperty("bench.phases");
                if (only != null) {
                    phases.keySet().removeIf(name -> Arrays.stream(only.split(";")).noneMatch(name::startsWith));
                }
                // held for the run: the meter asks it which backend is whose (application name)
                Connection monitor = pg.connect(ApiFixture.DB);
                CpuMeter cpu = CpuMeter.of(monitor);
                String pgCpus = System.getProperty("bench.pgCpus");
                if (pgCpus != null) {
                    CpuPinning.pin(cpu.postmaster(), pgCpus, System.getProperty("bench.jvmCpus", "1"));
                }
                for (Call warm : phases.values()) {
                    run("warm-up", 16, Integer.getInteger("bench.warmup", 20), warm, null, null);
                }
                // the audit phase last: its 100,000+ appends leave autovacuum and WAL work behind that the
                // cluster's CPU meter would otherwise charge to the phases after it
                // rounds: the phases one after another, again and again, so each round's ratio compares phases
                // measured seconds apart (this VM's speed drifts by +-30% over minutes)
                int rounds = Integer.getInteger("bench.rounds", 1);
                if (Boolean.getBoolean("bench.mixed")) {
                    mixed(phases, rounds, seconds, cpu, monitor);
                    phases.clear();
                }
                for (boolean auditPhase : new boolean[] {false, true}) {
                    for (String clientCount : System.getProperty("bench.clients", "16,64").split(",")) {
                        int clients = Integer.parseInt(clientCount.strip());
                        for (int round = 0; round < rounds; round++) {
                            for (Map.Entry<String, Call> e : phases.entrySet()) {
                                if (e.getValue() == auditOnly == auditPhase) {
                                    Result r = run(e.getKey(), clients, seconds, e.getValue(), cpu, monitor);
                                    System.out.println(r);
                                    results.add(r);
                                }
                            }
                        }
                    }
                }
                monitor.close();
            }
            System.out.printf(Locale.ROOT, "patient with %d chunks, k=%d, pool %d, %d s per phase, %d cores, %s%n",
                    chunks, K, POOL, seconds, Runtime.getRuntime().availableProcessors(),
                    System.getProperty("bench.pgCpus") == null ? "every process on every core"
                            : "PostgreSQL on cores " + System.getProperty("bench.pgCpus") + ", this JVM on "
                            + System.getProperty("bench.jvmCpus", "1"));
            System.out.println("summary:");
            results.forEach(System.out::println);
            ratios(results);
        }
    }

    /**
     * Per client count and phase: each round's throughput over the first phase's in the same round (the issue's
     * baseline when it runs first), and the median of those ratios.
     */
    private static void ratios(List<Result> results) {
        Map<Integer, Map<String, List<Double>>> byClients = new TreeMap<>();
        Map<Integer, Double> base = new HashMap<>();
        String first = results.isEmpty() ? null : results.get(0).phase();
        for (Result r : results) {
            double rate = r.requests() / r.seconds();
            if (r.phase().equals(first)) {
                base.put(r.clients(), rate);
            } else if (base.containsKey(r.clients())) {
                byClients.computeIfAbsent(r.clients(), c -> new LinkedHashMap<>())
                        .computeIfAbsent(r.phase(), p -> new ArrayList<>()).add(rate / base.get(r.clients()));
            }
        }
        System.out.println("throughput / \"" + first + "\" of the same round:");
        byClients.forEach((clients, phases) -> phases.forEach((phase, list) -> System.out.printf(Locale.ROOT,
                "  %-56s clients=%3d  %s%n", phase, clients, medianOfRounds(list, "%.2f"))));
    }

    /**
     * {@code -Dbench.mixed=true}: the first phase (the bare search over JDBC) and each other phase run at the same
     * time, {@code clients} closed loops each, and each one's database CPU per request is read from its own
     * connections (application name: {@code bench-jdbc}, the API's {@code ehrflow-retrieval-api*}). Both pay the
     * same machine speed at the same moment, so the drift of this VM (+-30% in minutes) cancels out of their ratio:
     * with the database as the bottleneck, the API's throughput relative to the bare function is that ratio of
     * database CPU per request. The throughputs seen side by side are printed too; they favour whichever keeps
     * more connections busy and are not the figure.
     */
    private static void mixed(Map<String, Call> phases, int rounds, int seconds, CpuMeter cpu, Connection monitor)
            throws InterruptedException {
        Map.Entry<String, Call> base = phases.entrySet().iterator().next();
        Map<String, List<Double>> costRatios = new LinkedHashMap<>();
        for (String clientCount : System.getProperty("bench.clients", "16,64").split(",")) {
            int clients = Integer.parseInt(clientCount.strip());
            for (int round = 0; round < rounds; round++) {
                for (Map.Entry<String, Call> e : phases.entrySet()) {
                    // API phases only, never the baseline beside itself: a JDBC or audit phase runs on bench-jdbc
                    // connections too, so the pair could not be told apart
                    if (e == base || !e.getKey().startsWith("api")) {
                        continue;
                    }
                    Map<String, Double> pg0 = cpu.pgByRole(monitor);
                    long[] done = together(clients, seconds, base.getValue(), e.getValue());
                    Map<String, Double> pg1 = cpu.pgByRole(monitor);
                    double baseMs = CpuMeter.delta(pg0, pg1, "pg:bench-jdbc") / Math.max(1, done[0]);
                    // everything else is charged to the API: its searches and audit writer, and the background
                    // work its audit writes cause (WAL writer, autovacuum, checkpoints), and the meter's own reads
                    double otherMs = (CpuMeter.delta(pg0, pg1, "") - CpuMeter.delta(pg0, pg1, "pg:bench-jdbc"))
                            / Math.max(1, done[1]);
                    System.out.printf(Locale.ROOT, "mixed clients=%3d %-48s %6.1f req/s pg %6.3f ms/req | %s %6.1f "
                            + "req/s pg %6.3f ms/req | cost ratio %.3f%n", clients, e.getKey(), done[1] /
                            (double) seconds, otherMs, base.getKey(), done[0] / (double) seconds, baseMs,
                            baseMs / otherMs);
                    costRatios.computeIfAbsent(clients + " clients, " + e.getKey(), k -> new ArrayList<>())
                            .add(baseMs / otherMs);
                }
            }
        }
        System.out.println("database CPU per request of \"" + base.getKey() + "\" / the phase's, run side by side:");
        costRatios.forEach((name, list) -> System.out.printf(Locale.ROOT, "  %-68s %s%n", name,
                medianOfRounds(list, "%.3f")));
    }

    /** "median M  (rounds: r1 r2 ...)", each value in {@code format}, the rounds in the order they ran. */
    private static String medianOfRounds(List<Double> rounds, String format) {
        List<Double> sorted = rounds.stream().sorted().toList();
        return "median " + String.format(Locale.ROOT, format, sorted.get(sorted.size() / 2)) + "  (rounds: "
                + rounds.stream().map(x -> String.format(Locale.ROOT, format, x)).collect(Collectors.joining(" "))
                + ")";
    }

    /**
     * {@code clients} closed loops of {@code a} and as many of {@code b} for {@code seconds}: calls done by each;
     * throws if any call failed.
     */
    private static long[] together(int clients, int seconds, Call a, Call b) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong[] done = {new AtomicLong(), new AtomicLong()};
        AtomicLong[] failed = {new AtomicLong(), new AtomicLong()};
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 2 * clients; i++) {
            int side = i % 2;
            Call call = side == 0 ? a : b;
            threads.add(new Thread(() -> {
                while (!stop.get()) {
                    try {
                        (call.run() ? done : failed)[side].incrementAndGet();
                    } catch (Exception e) {
                        failed[side].incrementAndGet();
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        if (failed[0].get() + failed[1].get() > 0) {
            // a failed call's database work is still charged: the ratio would be wrong, not just noisy
            throw new IllegalStateException("side by side: " + failed[0] + " and " + failed[1] + " calls failed");
        }
        return new long[] {done[0].get(), done[1].get()};
    }

    private static Map<String, String> with(Map<String, String> env, String key, String value) {
        Map<String, String> out = new HashMap<>(env);
        out.put(key, value);
        return out;
    }

    /** One {@code /v1/retrieve} call to {@code app} with the benchmark's token and body; true on 200. */
    private static Call retrieve(HttpClient http, RetrievalApiApp app, String token, String body) {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/v1/retrieve"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return () -> http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
    }

    private static void scope(Connection c, String patient) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT set_config('ehrflow.patient_key', ?, true)")) {
            s.setString(1, patient);
            s.executeQuery().close();
        }
    }

    private static int search(Connection c, String patient, float[] q, String model) throws SQLException {
        scope(c, patient);
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT chunk_id, text, distance FROM ehrflow.search_chunks(?, ?::vector, ?, ?)")) {
            ps.setString(1, patient);
            ps.setString(2, new PGvector(q).toString());
            ps.setInt(3, K);
            ps.setString(4, model);
            int n = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    n++;
                }
            }
            return n;
        }
    }

    private static Result run(String phase, int clients, int seconds, Call call, CpuMeter cpu, Connection monitor)
            throws InterruptedException {
        String load0 = load();
        double[] cpu0 = cpu == null ? new double[2] : cpu.now();
        Map<String, Double> threads0 = CpuMeter.threads();
        Map<String, Double> pg0 = cpu == null ? Map.of() : cpu.pgByRole(monitor);
        DoubleAdder clientCpu = new DoubleAdder();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong errors = new AtomicLong();
        Thread[] threads = new Thread[clients];
        long[][] lat = new long[clients][];
        int[] n = new int[clients];
        for (int i = 0; i < clients; i++) {
            int id = i;
            lat[i] = new long[1 << 16];
            threads[i] = new Thread(() -> {
                while (!stop.get()) {
                    long t = System.nanoTime();
                    try {
                        if (!call.run()) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    if (n[id] == lat[id].length) {
                        lat[id] = Arrays.copyOf(lat[id], n[id] * 2);
                    }
                    lat[id][n[id]++] = System.nanoTime() - t;
                }
                clientCpu.add(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1e6);
            });
        }
        long t0 = System.nanoTime();
        for (Thread t : threads) {
            t.start();
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double[] cpu1 = cpu == null ? new double[2] : cpu.now();
        if (cpu != null && Boolean.getBoolean("bench.threads")) {
            threadReport(phase, clients, total(n), threads0, CpuMeter.threads(), clientCpu.sum());
            threadReport(phase, clients, total(n), pg0, cpu.pgByRole(monitor), 0);
        }
        int total = 0;
        for (int c : n) {
            total += c;
        }
        long[] all = new long[total];
        int at = 0;
        for (int i = 0; i < clients; i++) {
            System.arraycopy(lat[i], 0, all, at, n[i]);
            at += n[i];
        }
        Arrays.sort(all);
        return new Result(phase, clients, total, errors.get(), elapsed, pct(all, 0.50), pct(all, 0.99),
                cpu1[0] - cpu0[0], cpu1[1] - cpu0[1], load0 + "-" + load());
    }

    private static int total(int[] n) {
        int total = 0;
        for (int c : n) {
            total += c;
        }
        return total;
    }

    /** CPU per request by thread group or cluster role (-Dbench.threads=true): which part of a process spent it. */
    private static void threadReport(String phase, int clients, int requests, Map<String, Double> before,
            Map<String, Double> after, double clientCpu) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "  threads %s, %d clients, ms/request:",
                phase, clients));
        if (clientCpu > 0) {
            b.append(String.format(Locale.ROOT, " bench-clients=%.3f", clientCpu / Math.max(1, requests)));
        }
        after.forEach((name, ms) -> {
            double d = (ms - before.getOrDefault(name, 0.0)) / Math.max(1, requests);
            if (d >= 0.005 && !name.startsWith("Thread-N")) {
                b.append(String.format(Locale.ROOT, " %s=%.3f", name, d));
            }
        });
        System.out.println(b);
    }

    /** The one-minute load average (other sessions share the machine). */
    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
    }

    static void fill(LocalPostgres pg, String patient, int chunks, String model) throws Exception {
        Random rnd = new Random(42);
        try (Connection c = pg.connect(ApiFixture.DB); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO ehrflow.chunk (patient_key, chunk_id, source_id, resource_type, chunk_index, text,
                    deidentified_text, token_count, content_hash, phi_present, source_type, source_system,
                    source_message_id, raw_partition, raw_offset, ingest_time, model_name, embedding)
                VALUES (?, ?, ?, 'Observation', 0, ?, ?, 90, ?, false, 'HL7V2', 'HOSP', ?, 0, ?, now(), ?, ?::vector)""")) {
            c.setAutoCommit(false);
            String text = "Observation: " + "temperature and respiratory findings recorded at the bedside ".repeat(6);
            for (int i = 0; i < chunks; i++) {
                float[] v = new float[ModelVariant.DIMENSIONS];
                double norm = 0;
                for (int d = 0; d < v.length; d++) {
                    v[d] = (float) rnd.nextGaussian();
                    norm += v[d] * v[d];
                }
                for (int d = 0; d < v.length; d++) {
                    v[d] /= (float) Math.sqrt(norm);
                }
                ps.setString(1, patient);
                ps.setString(2, "Observation/b" + i + "#0");
                ps.setString(3, "Observation/b" + i);
                ps.setString(4, text + i);
                ps.setString(5, text + i);
                ps.setString(6, Integer.toHexString(i));
                ps.setString(7, "MSG-" + i);
                ps.setLong(8, i);
                ps.setString(9, model);
                ps.setString(10, new PGvector(v).toString());
                ps.addBatch();
                if (i % 500 == 499) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
            c.commit();
            try (var st = c.createStatement()) {
                st.execute("ANALYZE ehrflow.chunk");
            }
        }
    }
}
