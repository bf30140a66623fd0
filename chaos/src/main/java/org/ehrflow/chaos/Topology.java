package org.ehrflow.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.ehrflow.ehrsim.EhrSchema;
import org.ehrflow.localstack.BrokerMain;
import org.ehrflow.localstack.BrokerSecurity;
import org.ehrflow.localstack.Dirs;
import org.ehrflow.localstack.FreePorts;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.runtime.ConfigReader;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.StageAcls;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.schemas.Topics;
import org.ehrflow.sink.store.Migrations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production topology on one machine: the broker in its own JVM, PostgreSQL for the vector store with
 * production durability (or asynchronous commit, which loses its last commits on a crash), the EHR database, and
 * every stage in its own JVM configured through its environment: listener x1, fhir-gateway x1, normaliser x2,
 * chunker x2, document-extractor x1 (both lanes), sink x2, cdc-capture x1. Everything listens on loopback only.
 */
final class Topology implements AutoCloseable {

    static final String RAG_DB = "rag";
    static final String EHR_DB = "ehr";
    private static final String ADMIN = "admin";
    /** One principal per stage process, named by its application id. */
    private static final List<String> PRINCIPALS = List.of(Topics.APP_HL7_LISTENER, Topics.APP_FHIR_NORMALIZER,
            Topics.APP_CHUNKER, Topics.APP_EMBEDDER_SINK, Topics.APP_CDC_CAPTURE, StageAcls.APP_FHIR_GATEWAY,
            Topics.APP_DOCUMENT_EXTRACTOR);
    /** The bearer token file's client id at the gateway (any resource type). */
    static final String GATEWAY_CLIENT = "chaos-ehr";
    private static final Logger LOG = LoggerFactory.getLogger(Topology.class);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path work;
    private final List<Victim> victims = new ArrayList<>();
    private final List<JvmProcess> processes = new ArrayList<>();
    private LocalPostgres pg;
    private LocalPostgres ehr;
    private JvmProcess broker;
    private String bootstrap;
    private int mllpPort;
    private int gatewayPort;
    private Secret gatewayToken;
    private Secret cdcPassword;
    private BrokerSecurity security;

    private Topology(Path work) {
        this.work = work;
    }

    /**
     * Starts everything and returns once every stage is ready.
     *
     * @param asyncCommit the vector store runs with {@code synchronous_commit=off}: a SIGKILL loses its last commits
     * @param secure      the broker requires SASL_SSL and enforces {@link StageAcls}; every stage connects as its own
     *                    principal with its secrets read from files
     */
    static Topology start(Path work, int partitions, boolean asyncCommit, boolean secure) {
        Topology t = new Topology(work);
        try {
            t.startAll(partitions, asyncCommit, secure);
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    private void startAll(int partitions, boolean asyncCommit, boolean secure) {
        try {
            Files.createDirectories(work.resolve("logs"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + work, e);
        }
        pg = LocalPostgres.start(work.resolve("pg")); // durable: fsync and synchronous_commit on
        setAsyncCommit(asyncCommit);
        ehr = LocalPostgres.startTemporary(); // the hospital's database: not ours to kill here (CdcDatabaseOutageIT)
        int brokerPort = FreePorts.pick();
        int controllerPort = FreePorts.pick();
        bootstrap = FreePorts.LOOPBACK + ":" + brokerPort;
        List<String> brokerArgs = new ArrayList<>(List.of(work.resolve("kafka").toString(),
                Integer.toString(brokerPort), Integer.toString(controllerPort)));
        if (secure) {
            Path tls = work.resolve("tls");
            security = BrokerSecurity.generate(tls, ADMIN, PRINCIPALS);
            security.save(tls);
            brokerArgs.add(tls.toString());
        }
        broker = new JvmProcess("broker", BrokerMain.class.getName(), brokerArgs, Map.of(), log("broker"), "512m");
        broker.start();
        processes.add(broker);
        awaitReady("broker", this::brokerReady, Duration.ofSeconds(90));
        victims.add(new ProcessVictim(broker, this::brokerReady));
        victims.add(new PostgresVictim());

        KafkaSettings kafka = adminSettings();
        TopicAdmin.ensureTopics(kafka, partitions, (short) 1);
        if (secure) {
            try (Admin admin = Admin.create(kafka.clientProps())) {
                Map<String, String> principals = new HashMap<>();
                PRINCIPALS.forEach(p -> principals.put(p, "User:" + p));
                // The extractor process runs both lanes (two Streams apps) as one principal.
                principals.put(Topics.APP_DOCUMENT_OCR, "User:" + Topics.APP_DOCUMENT_EXTRACTOR);
                StageAcls.apply(admin, principals);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        pg.createDatabase(RAG_DB);
        Migrations.run(pg.jdbcUrl(RAG_DB), pg.superuser(), pg.superuserPassword());
        ehr.createDatabase(EHR_DB);
        cdcPassword = new Secret(UUID.randomUUID().toString());
        EhrSchema.migrate(ehr.jdbcUrl(EHR_DB), ehr.superuser(), ehr.superuserPassword(), cdcPassword);

        mllpPort = FreePorts.pick();
        stage("hl7-listener", "org.ehrflow.listener.Hl7ListenerApp", "EHRFLOW_LISTENER_", Map.of(
                "EHRFLOW_LISTENER_HOST", "127.0.0.1", "EHRFLOW_LISTENER_PORT", Integer.toString(mllpPort)));
        for (int i = 1; i <= 2; i++) {
            // Static group membership (one stable group.instance.id per instance, as a StatefulSet's pod name
            // gives): a restarted instance takes its partitions back at once instead of waiting for the dead
            // member's session to time out (45 s) and a rebalance of everyone.
            stage("fhir-normalizer-" + i, "org.ehrflow.normalizer.NormalizerApp", "EHRFLOW_NORMALIZER_", Map.of(
                    "EHRFLOW_NORMALIZER_STATE_DIR", work.resolve("state/normalizer-" + i).toString(),
                    "EHRFLOW_KAFKA_GROUP_INSTANCE_ID", "fhir-normalizer-" + i));
            stage("chunker-stream-" + i, "org.ehrflow.chunker.ChunkerApp", "EHRFLOW_CHUNKER_", Map.of(
                    "EHRFLOW_CHUNKER_STATE_DIR", work.resolve("state/chunker-" + i).toString(),
                    "EHRFLOW_CHUNKER_DOCUMENTS_FROM_EXTRACTOR", "true",
                    "EHRFLOW_KAFKA_GROUP_INSTANCE_ID", "chunker-stream-" + i));
            Map<String, String> sink = new HashMap<>(sinkEnv(RAG_DB));
            sink.put("EHRFLOW_KAFKA_GROUP_INSTANCE_ID", "embedder-sink-" + i);
            stage("embedder-sink-" + i, "org.ehrflow.sink.SinkApp", "EHRFLOW_SINK_", sink);
        }
        // Every DocumentReference goes through the extractor (DocumentRouting); the slow lane (OCR) runs beside it.
        stage("document-extractor", "org.ehrflow.documents.DocumentExtractorApp", "EHRFLOW_DOCUMENTS_", Map.of(
                "EHRFLOW_DOCUMENTS_STATE_DIR", work.resolve("state/document-extractor").toString(),
                "EHRFLOW_DOCUMENTS_OCR_THREADS", "1",
                "EHRFLOW_KAFKA_GROUP_INSTANCE_ID", "document-extractor"));
        gatewayPort = FreePorts.pick();
        gatewayToken = new Secret(UUID.randomUUID().toString());
        Path tokenFile = Dirs.writeOwnerOnly(work.resolve("secrets").resolve("gateway-client.token"),
                gatewayToken.value());
        stage("fhir-gateway", "org.ehrflow.gateway.GatewayApp", "EHRFLOW_GATEWAY_", Map.of(
                "EHRFLOW_GATEWAY_HOST", "127.0.0.1", "EHRFLOW_GATEWAY_PORT", Integer.toString(gatewayPort),
                "EHRFLOW_GATEWAY_CLIENTS", GATEWAY_CLIENT + ":" + tokenFile + ":*"));
        stage("cdc-capture", "org.ehrflow.cdc.CdcCaptureApp", "EHRFLOW_CDC_", Map.of(
                "EHRFLOW_CDC_DB_HOST", ehr.host(), "EHRFLOW_CDC_DB_PORT", Integer.toString(ehr.port()),
                "EHRFLOW_CDC_DB_PASSWORD", cdcPassword.value(), "EHRFLOW_CDC_RESTART_BACKOFF_MAX", "PT5S"));
        for (Victim v : victims) {
            awaitReady(v.name(), v::ready, Duration.ofSeconds(180));
        }
        LOG.info("topology ready: broker {}, MLLP {}, vector store {}:{}", bootstrap, mllpPort, pg.host(), pg.port());
    }

    Map<String, String> sinkEnv(String database) {
        Map<String, String> env = new HashMap<>();
        env.put("EHRFLOW_SINK_JDBC_URL", pg.jdbcUrl(database));
        env.put("EHRFLOW_SINK_USER", pg.superuser());
        env.put("EHRFLOW_SINK_PASSWORD", pg.superuserPassword().value());
        env.put("EHRFLOW_SINK_EMBED_THREADS", "1");
        env.put("EHRFLOW_SINK_RETRY_MAX", "PT2S");
        return env;
    }

    /** Client settings of the driver itself: the administrator on a secure broker. */
    KafkaSettings adminSettings() {
        return settingsOf(ADMIN);
    }

    /** Client settings of {@code principal} (plain settings on an open broker). */
    KafkaSettings settingsOf(String principal) {
        return security == null ? KafkaSettings.of(bootstrap)
                : new KafkaSettings(bootstrap, security.clientProperties(principal));
    }

    /**
     * {@code EHRFLOW_KAFKA_*} of a stage's principal; its JAAS configuration and store password go to files
     * ({@code *_FILE}), as mounted secrets would, never into the environment.
     */
    private Map<String, String> kafkaEnv(String processName) {
        Map<String, String> env = new HashMap<>();
        env.put("EHRFLOW_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        if (security == null) {
            return env;
        }
        String principal = processName.replaceFirst("-(\\d+|replay)$", "");
        security.clientProperties(principal).forEach((k, v) -> {
            String var = "EHRFLOW_KAFKA_" + k.toUpperCase(Locale.ROOT).replace('.', '_');
            if (k.equals("sasl.jaas.config") || k.endsWith(".password")) {
                Path file = Dirs.writeOwnerOnly(work.resolve("tls").resolve(processName + "." + k), v);
                env.put(var + ConfigReader.FILE_SUFFIX, file.toString());
            } else {
                env.put(var, v);
            }
        });
        return env;
    }

    private void stage(String name, String mainClass, String prefix, Map<String, String> extra) {
        int opsPort = FreePorts.pick();
        JvmProcess p = extraStage(name, mainClass, prefix, extra, opsPort);
        victims.add(new ProcessVictim(p, () -> httpReady(opsPort)));
    }

    /** A stage process, started now; only those {@link #stage} registers are the monkey's to kill. */
    JvmProcess extraStage(String name, String mainClass, String prefix, Map<String, String> extra, int opsPort) {
        Map<String, String> env = new HashMap<>(extra);
        env.putAll(kafkaEnv(name));
        env.put(prefix + "OPS_HOST", "127.0.0.1");
        env.put(prefix + "OPS_PORT", Integer.toString(opsPort));
        JvmProcess p = new JvmProcess(name, mainClass, List.of(), env, log(name), "384m");
        p.start();
        processes.add(p);
        return p;
    }

    /** Stops the sinks (SIGTERM): the replay check then owns the sink group alone. */
    void stopSinks() {
        processes.stream().filter(p -> p.name().startsWith("embedder-sink-")).forEach(JvmProcess::stop);
    }

    List<Victim> victims() {
        return victims;
    }

    String bootstrap() {
        return bootstrap;
    }

    int mllpPort() {
        return mllpPort;
    }

    /** The gateway's FHIR base URL, where the load's FHIR Bundles go. */
    String gatewayBase() {
        return "http://127.0.0.1:" + gatewayPort + "/fhir";
    }

    Secret gatewayToken() {
        return gatewayToken;
    }

    LocalPostgres vectorStore() {
        return pg;
    }

    LocalPostgres ehrDatabase() {
        return ehr;
    }

    Path work() {
        return work;
    }

    /** Whether every process the monkey may kill is up now (a check between kills and after the drain). */
    boolean allReady() {
        return victims.stream().allMatch(Victim::ready);
    }

    private void setAsyncCommit(boolean async) {
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("ALTER SYSTEM SET synchronous_commit = " + (async ? "off" : "on"));
            st.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set synchronous_commit, SQLSTATE " + e.getSQLState(), e);
        }
    }

    private Path log(String name) {
        return work.resolve("logs").resolve(name + ".log");
    }

    private boolean brokerReady() {
        Properties props = adminSettings().clientProps();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000);
        try (Admin admin = Admin.create(props)) {
            return !admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000)).nodes().get().isEmpty();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    static boolean httpReady(int port) {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void awaitReady(String what, BooleanSupplier ready, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " not ready within " + timeout);
            }
            sleep(200);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stages first (ingress to sink), then the broker and the databases; the work dir stays for the report. */
    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            JvmProcess p = processes.get(i);
            if (p != broker) {
                p.stop();
            }
        }
        if (broker != null) {
            broker.stop();
        }
        for (AutoCloseable c : new AutoCloseable[] {ehr, pg}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("closing failed: {}", e.getClass().getSimpleName());
                }
            }
        }
    }

    /** A stage or the broker: SIGKILL the JVM, start the same command again. */
    private static final class ProcessVictim implements Victim {
        private final JvmProcess process;
        private final BooleanSupplier ready;

        ProcessVictim(JvmProcess process, BooleanSupplier ready) {
            this.process = process;
            this.ready = ready;
        }

        @Override
        public String name() {
            return process.name();
        }

        @Override
        public void kill() {
            process.kill9();
        }

        @Override
        public void restart() {
            process.start();
        }

        @Override
        public boolean ready() {
            return process.alive() && ready.getAsBoolean();
        }
    }

    /** The vector store: SIGKILL to the postmaster and every backend, then crash recovery on restart. */
    private final class PostgresVictim implements Victim {
        @Override
        public String name() {
            return "postgresql";
        }

        @Override
        public void kill() {
            pg.kill9();
        }

        @Override
        public void restart() {
            pg.restartAfterCrash();
        }

        @Override
        public boolean ready() {
            try (Connection c = pg.connect("postgres")) {
                return c.isValid(2);
            } catch (SQLException e) {
                return false;
            }
        }
    }
}
