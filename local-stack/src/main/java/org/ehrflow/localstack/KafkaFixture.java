package org.ehrflow.localstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The Kafka broker for tests: Testcontainers' {@code apache/kafka} (KRaft) when a Docker engine is reachable,
 * otherwise {@link EmbeddedKafka}. {@value #MODE_ENV} = {@code embedded} | {@code container} | {@code auto} (default).
 */
public final class KafkaFixture implements AutoCloseable {

    /** Environment variable choosing the broker: {@code auto} (default), {@code embedded} or {@code container}. */
    public static final String MODE_ENV = "EHRFLOW_TEST_KAFKA";
    /** The image matches the Kafka version of the client jars. */
    public static final String KAFKA_IMAGE = "apache/kafka:3.9.1";
    private static final Duration DOCKER_PROBE_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(KafkaFixture.class);

    /** Which broker backs a fixture. */
    public enum Kind { EMBEDDED, CONTAINER }

    private final Kind kind;
    private final String bootstrapServers;
    private final AutoCloseable broker;

    private KafkaFixture(Kind kind, String bootstrapServers, AutoCloseable broker) {
        this.kind = kind;
        this.bootstrapServers = bootstrapServers;
        this.broker = broker;
    }

    /** Starts the broker chosen from {@value #MODE_ENV} and Docker availability. */
    public static KafkaFixture start() {
        Kind kind = choose(System.getenv());
        if (kind == Kind.CONTAINER) {
            return startContainer();
        }
        EmbeddedKafka kafka = EmbeddedKafka.start();
        return new KafkaFixture(Kind.EMBEDDED, kafka.bootstrapServers(), kafka);
    }

    static Kind choose(Map<String, String> env) {
        String mode = env.getOrDefault(MODE_ENV, "auto").strip().toLowerCase(Locale.ROOT);
        switch (mode) {
            case "embedded":
                return Kind.EMBEDDED;
            case "container":
                return Kind.CONTAINER;
            case "auto":
            case "":
                return dockerAvailable(env) ? Kind.CONTAINER : Kind.EMBEDDED;
            default:
                throw new IllegalArgumentException(MODE_ENV + " must be auto, embedded or container, was: " + mode);
        }
    }

    private static KafkaFixture startContainer() {
        KafkaContainer container = new KafkaContainer(KAFKA_IMAGE)
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        container.start();
        LOG.info("Kafka container {} ready on {}", KAFKA_IMAGE, container.getBootstrapServers());
        return new KafkaFixture(Kind.CONTAINER, container.getBootstrapServers(), container::stop);
    }

    /**
     * Asks Testcontainers only when some Docker endpoint is configured or present, so machines without Docker
     * decide instantly and without Testcontainers' error log; the probe itself is bounded by a timeout.
     */
    static boolean dockerAvailable(Map<String, String> env) {
        if (!dockerHinted(env)) {
            return false;
        }
        CompletableFuture<Boolean> probe = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                probe.complete(DockerClientFactory.instance().isDockerAvailable());
            } catch (Throwable t) {
                probe.complete(false);
            }
        }, "kafka-fixture-docker-probe");
        thread.setDaemon(true);
        thread.start();
        try {
            return probe.get(DOCKER_PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("Docker probe gave no answer within {}; using the embedded broker", DOCKER_PROBE_TIMEOUT);
            return false;
        }
    }

    private static boolean dockerHinted(Map<String, String> env) {
        if (!env.getOrDefault("DOCKER_HOST", "").isBlank()) {
            return true;
        }
        String home = System.getProperty("user.home", "");
        String runtimeDir = env.getOrDefault("XDG_RUNTIME_DIR", "");
        List<Path> candidates = List.of(
                Path.of("/var/run/docker.sock"),
                Path.of(home, ".testcontainers.properties"),
                Path.of(home, ".docker", "run", "docker.sock"),
                Path.of(home, ".docker", "desktop", "docker.sock"),
                Path.of(runtimeDir.isBlank() ? "/nonexistent" : runtimeDir, "docker.sock"));
        return candidates.stream().anyMatch(Files::exists);
    }

    public Kind kind() {
        return kind;
    }

    /** {@code host:port} of the broker's client listener. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Stops the broker (and removes its data). */
    @Override
    public void close() {
        try {
            broker.close();
        } catch (Exception e) {
            LOG.warn("Kafka fixture ({}) did not stop cleanly: {}", kind, e.getClass().getName());
        }
    }
}
