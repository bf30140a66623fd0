package org.ehrflow.localstack;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft broker (combined broker and controller) running inside this JVM, listening on free
 * loopback ports, with topic auto-creation off and transactions enabled.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;
    private static final String TEMP_PREFIX = "ehrflow-kafka-";
    private static final int START_ATTEMPTS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path logDir;
    /** The directory deleted on close, or null for a persistent log dir. */
    private final Path temporaryRoot;
    private final Thread shutdownHook;
    private boolean closed;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, Path logDir, Path temporaryRoot) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.logDir = logDir;
        this.temporaryRoot = temporaryRoot;
        this.shutdownHook = new Thread(this::stop, "embedded-kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a broker on a temporary log directory that {@link #close()} deletes. */
    public static EmbeddedKafka start() {
        return startTemporary(null);
    }

    /** A broker on a temporary log directory, requiring authentication when {@code security} is given. */
    private static EmbeddedKafka startTemporary(BrokerSecurity security) {
        TempOwnership.abandoned(TEMP_PREFIX).forEach(Dirs::deleteQuietly);
        Path root = TempOwnership.createOwned(TEMP_PREFIX);
        try {
            Path logDir = Files.createDirectories(root.resolve("logs"));
            return startOn(logDir, root, security);
        } catch (IOException e) {
            Dirs.deleteQuietly(root);
            throw new UncheckedIOException("cannot create a temporary Kafka log dir", e);
        } catch (RuntimeException e) {
            Dirs.deleteQuietly(root);
            throw e;
        }
    }

    /** Starts a broker on a persistent log directory, formatting it on first use and keeping it on close. */
    public static EmbeddedKafka start(Path logDir) {
        Objects.requireNonNull(logDir, "logDir");
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Kafka log dir " + logDir, e);
        }
        return startOn(logDir.toAbsolutePath(), null, null);
    }

    /**
     * Starts a broker on a persistent log directory and fixed ports: a broker restarted after a crash must come back
     * where its clients' bootstrap setting points (the chaos topology).
     */
    public static EmbeddedKafka start(Path logDir, int brokerPort, int controllerPort) {
        return start(logDir, brokerPort, controllerPort, null);
    }

    /** As {@link #start(Path, int, int)}, requiring authentication and ACLs when {@code security} is given. */
    public static EmbeddedKafka start(Path logDir, int brokerPort, int controllerPort, BrokerSecurity security) {
        Objects.requireNonNull(logDir, "logDir");
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Kafka log dir " + logDir, e);
        }
        KafkaExitGuard.install();
        EmbeddedKafka k = tryStart(logDir.toAbsolutePath(), null, brokerPort, controllerPort, security);
        if (k == null) {
            throw new IllegalStateException("embedded Kafka could not bind 127.0.0.1:" + brokerPort + " or :"
                    + controllerPort);
        }
        return k;
    }

    /**
     * Starts a broker on a temporary log directory that requires authentication and authorization ({@code SASL_SSL},
     * SCRAM users of {@code security}, ACLs); {@link #bootstrapServers()} is its {@code SASL_SSL} listener.
     */
    public static EmbeddedKafka startSecure(BrokerSecurity security) {
        return startTemporary(security);
    }

    private static EmbeddedKafka startOn(Path dir, Path temporaryRoot, BrokerSecurity security) {
        KafkaExitGuard.install();
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int brokerPort = FreePorts.pick();
            int controllerPort = FreePorts.pick();
            if (brokerPort == controllerPort) {
                continue;
            }
            EmbeddedKafka k = tryStart(dir, temporaryRoot, brokerPort, controllerPort, security);
            if (k != null) {
                return k;
            }
            // a port was taken between pick() and bind: retry on fresh ports
            LOG.warn("embedded Kafka start attempt {} lost a port race, retrying", attempt);
        }
        throw new IllegalStateException("embedded Kafka did not start after " + START_ATTEMPTS + " attempts");
    }

    /** One start on the given ports; null when a port was taken (the caller decides whether to retry). */
    private static EmbeddedKafka tryStart(Path dir, Path temporaryRoot, int brokerPort, int controllerPort,
            BrokerSecurity security) {
        if (brokerPort == controllerPort) {
            return null;
        }
        long started = System.nanoTime();
        KafkaConfig config = KafkaConfig.fromProps(security == null
                ? EmbeddedKafkaProperties.of(dir, NODE_ID, brokerPort, controllerPort)
                : EmbeddedKafkaProperties.secure(dir, NODE_ID, brokerPort, controllerPort, security));
        format(dir, security);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        String bootstrap = FreePorts.LOOPBACK + ":" + brokerPort;
        try {
            server.startup();
            Map<String, Object> admin = new HashMap<>();
            if (security != null) {
                admin.putAll(security.clientProperties(security.adminUser()));
            }
            awaitReady(bootstrap, admin);
            LOG.info("embedded Kafka ready on {} in {} ms", bootstrap, (System.nanoTime() - started) / 1_000_000);
            return new EmbeddedKafka(server, bootstrap, dir, temporaryRoot);
        } catch (RuntimeException e) {
            shutdownQuietly(server);
            if (!lostPortRace(e)) {
                throw e;
            }
            return null;
        }
    }

    private static boolean lostPortRace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException
                    || t.getMessage() != null && t.getMessage().contains("failed to bind")) {
                return true;
            }
        }
        return false;
    }

    private static void format(Path dir, BrokerSecurity security) {
        if (Files.exists(dir.resolve("meta.properties"))) {
            // already formatted (a persistent dir): it keeps its cluster id and data
            return;
        }
        try {
            Formatter f = new Formatter();
            if (security != null) {
                // SCRAM users exist from the first start: no unauthenticated window to create them in
                f.setScramArguments(security.scramArguments());
            }
            f.setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName(EmbeddedKafkaProperties.CONTROLLER_LISTENER)
                    // metadata.log.dir is unset, so the metadata log lives in the (only) log dir
                    .setMetadataLogDirectory(dir.toString())
                    .setDirectories(List.of(dir.toString()))
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka log dir " + dir, e);
        }
    }

    private static void awaitReady(String bootstrap, Map<String, Object> clientProps) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(props)) {
            while (true) {
                try {
                    // an unfenced broker shows up in the cluster description; only then can topics be created
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(5_000)).nodes().get().isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while waiting for embedded Kafka", e);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("embedded Kafka on " + bootstrap + " not ready after "
                            + READY_TIMEOUT);
                }
                sleep(100);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for embedded Kafka", e);
        }
    }

    private static void shutdownQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("embedded Kafka shutdown failed: {}", e.getClass().getName());
        }
    }

    /** The PLAINTEXT listener, {@code 127.0.0.1:<port>}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker's log (and metadata) directory. */
    public Path logDir() {
        return logDir;
    }

    /** Stops the broker and, for a temporary broker, deletes its log directory. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs (or ran) stop() itself
        }
    }

    private synchronized void stop() {
        if (closed) {
            return;
        }
        closed = true;
        shutdownQuietly(server);
        Dirs.deleteQuietly(temporaryRoot);
        LOG.info("embedded Kafka on {} stopped", bootstrapServers);
    }
}
