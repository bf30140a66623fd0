package org.ehrflow.sink;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.embedding.OnnxEmbedder;
import org.ehrflow.runtime.ConfigReader;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.ehrflow.schemas.Topics;
import org.ehrflow.sink.embed.HttpEmbedderSettings;

/**
 * The sink's settings, from {@code EHRFLOW_SINK_*} (plus {@code EHRFLOW_KAFKA_*} for the broker).
 *
 * @param kafka          broker and client pass-through properties
 * @param jdbcUrl        the vector database, {@code jdbc:postgresql://host:port/db}
 * @param user           PostgreSQL user: owns the schema (runs migrations) and writes the rows
 * @param password       its password
 * @param batchSize      most chunk sets per transaction (and per poll)
 * @param linger         how long a partial batch waits for more records before it is written
 * @param pollTimeout    longest a single poll blocks
 * @param modelVariant   the embedding model (must match the chunker's tokenizer)
 * @param embedThreads   ONNX Runtime intra-op threads
 * @param embedBatch     texts per ONNX inference (see {@link OnnxEmbedder#defaultMaxBatch})
 * @param retryInitial   first back-off after a transient PostgreSQL or broker fault
 * @param retryMax       back-off cap (doubling from {@code retryInitial})
 * @param commitToKafka  also commit offsets to Kafka after each PostgreSQL commit, for lag tools (advisory only)
 * @param opsHost        bind address of /metrics, /health, /ready (main only)
 * @param opsPort        port of the ops endpoint (0 = any free port)
 * @param httpEmbedder   the OpenAI-compatible endpoint ({@code EHRFLOW_SINK_EMBEDDER=openai}), or null for the
 *                       in-process ONNX model ({@code onnx}, the default)
 * @param nextModelVariant a second ONNX model for a re-index ({@code EHRFLOW_SINK_NEXT_MODEL_VARIANT}), or null:
 *                       while a re-index builds it the sink writes its vectors too (dual writes), and after the
 *                       switch it is the model the sink serves
 * @param eventRetention how long {@code ehrflow.source_event} rows are kept ({@code EHRFLOW_SINK_EVENT_RETENTION},
 *                       default 30 days; zero keeps them forever)
 */
public record SinkConfig(
        KafkaSettings kafka,
        String jdbcUrl,
        String user,
        Secret password,
        int batchSize,
        Duration linger,
        Duration pollTimeout,
        ModelVariant modelVariant,
        int embedThreads,
        int embedBatch,
        Duration retryInitial,
        Duration retryMax,
        boolean commitToKafka,
        String opsHost,
        int opsPort,
        HttpEmbedderSettings httpEmbedder,
        ModelVariant nextModelVariant,
        Duration eventRetention) {

    public static final String PREFIX = "EHRFLOW_SINK_";
    public static final int DEFAULT_OPS_PORT = 8085;
    public static final int DEFAULT_BATCH_SIZE = 256;
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(100);
    public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(500);
    public static final Duration DEFAULT_EVENT_RETENTION = Duration.ofDays(30);

    public SinkConfig {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(modelVariant, "modelVariant");
        Objects.requireNonNull(eventRetention, "eventRetention");
        if (batchSize < 1 || embedThreads < 1 || embedBatch < 1) {
            throw new IllegalArgumentException("batchSize, embedThreads and embedBatch must be positive");
        }
    }

    /** Defaults for in-process use (demo, tests): INT8 model, 256 sets per batch, 100 ms linger, any free ops port. */
    public static SinkConfig defaults(KafkaSettings kafka, String jdbcUrl, String user, Secret password) {
        return new SinkConfig(kafka, jdbcUrl, user, password, DEFAULT_BATCH_SIZE, DEFAULT_LINGER,
                DEFAULT_POLL_TIMEOUT, ModelVariant.INT8, Runtime.getRuntime().availableProcessors(),
                OnnxEmbedder.defaultMaxBatch(ModelVariant.INT8), Duration.ofMillis(200), Duration.ofSeconds(30),
                true, "127.0.0.1", 0, null, null, DEFAULT_EVENT_RETENTION);
    }

    /** Reads the settings, failing once with every problem found. */
    public static SinkConfig fromEnv(Map<String, String> env) {
        ConfigReader r = new ConfigReader(env, PREFIX);
        String url = r.string("JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/ehrflow");
        r.check(url.startsWith("jdbc:postgresql:"), r.key("JDBC_URL") + " must start with jdbc:postgresql:");
        String user = r.string("USER", "ehrflow");
        Secret password = r.secret("PASSWORD", "");
        int batch = r.integer("BATCH_SIZE", DEFAULT_BATCH_SIZE, 1, 10_000);
        Duration linger = r.duration("LINGER", DEFAULT_LINGER, Duration.ZERO, Duration.ofSeconds(60));
        Duration poll = r.duration("POLL_TIMEOUT", DEFAULT_POLL_TIMEOUT, Duration.ofMillis(1), Duration.ofSeconds(60));
        ModelVariant variant = r.enumValue("MODEL_VARIANT", ModelVariant.class, ModelVariant.INT8);
        int threads = r.integer("EMBED_THREADS", Runtime.getRuntime().availableProcessors(), 1, 256);
        int embedBatch = r.integer("EMBED_BATCH", OnnxEmbedder.defaultMaxBatch(variant), 1, 1024);
        Duration retryInitial = r.duration("RETRY_INITIAL", Duration.ofMillis(200), Duration.ofMillis(1),
                Duration.ofMinutes(1));
        Duration retryMax = r.duration("RETRY_MAX", Duration.ofSeconds(30), Duration.ofMillis(1),
                Duration.ofMinutes(10));
        r.check(retryMax.compareTo(retryInitial) >= 0, r.key("RETRY_MAX") + " must be at least "
                + r.key("RETRY_INITIAL"));
        boolean commitToKafka = r.bool("COMMIT_TO_KAFKA", true);
        String opsHost = r.string("OPS_HOST", "0.0.0.0");
        int opsPort = r.integer("OPS_PORT", DEFAULT_OPS_PORT, 0, 65535);
        HttpEmbedderSettings http = null;
        String kind = r.string("EMBEDDER", "onnx").trim().toLowerCase(Locale.ROOT);
        r.check(kind.equals("onnx") || kind.equals("openai"), r.key("EMBEDDER") + " must be onnx or openai");
        if (kind.equals("openai")) {
            String base = r.string("EMBED_URL", "");
            r.check(base.startsWith("http://") || base.startsWith("https://"),
                    r.key("EMBED_URL") + " must be the endpoint's base URL (http(s)://host/v1) when "
                            + r.key("EMBEDDER") + "=openai");
            String model = r.string("EMBED_MODEL", "");
            r.check(!model.isBlank(), r.key("EMBED_MODEL") + " is required when " + r.key("EMBEDDER") + "=openai");
            int dims = r.integer("EMBED_DIMENSIONS", 384, 1, 16_000);
            boolean sendDims = r.bool("EMBED_SEND_DIMENSIONS", false);
            Secret key = r.secret("EMBED_API_KEY", "");
            Duration timeout = r.duration("EMBED_TIMEOUT", Duration.ofSeconds(30), Duration.ofMillis(100),
                    Duration.ofMinutes(10));
            int attempts = r.integer("EMBED_MAX_ATTEMPTS", 5, 1, 100);
            int httpBatch = r.integer("EMBED_HTTP_BATCH", 64, 1, 2048);
            if (base.startsWith("http") && !model.isBlank()) {
                http = new HttpEmbedderSettings(URI.create(base.trim()), model.trim(), dims, sendDims, key,
                        timeout, attempts, retryInitial, retryMax.compareTo(Duration.ofSeconds(10)) > 0
                                ? Duration.ofSeconds(10) : retryMax, httpBatch);
            }
        }
        ModelVariant next = r.string("NEXT_MODEL_VARIANT", "").isBlank() ? null
                : r.enumValue("NEXT_MODEL_VARIANT", ModelVariant.class, ModelVariant.FP32);
        r.check(next == null || http != null || next != variant,
                r.key("NEXT_MODEL_VARIANT") + " must differ from " + r.key("MODEL_VARIANT"));
        Duration retention = r.duration("EVENT_RETENTION", DEFAULT_EVENT_RETENTION, Duration.ZERO,
                Duration.ofDays(3650));
        KafkaSettings kafka = KafkaSettings.read(env);
        r.validate();
        return new SinkConfig(kafka, url, user, password, batch, linger, poll, variant, threads, embedBatch,
                retryInitial, retryMax, commitToKafka, opsHost, opsPort, http, next, retention);
    }

    /** The same settings with another batch size and linger (tests, load runs). */
    public SinkConfig withBatching(int size, Duration newLinger) {
        return new SinkConfig(kafka, jdbcUrl, user, password, size, newLinger, pollTimeout, modelVariant,
                embedThreads, embedBatch, retryInitial, retryMax, commitToKafka, opsHost, opsPort, httpEmbedder,
                nextModelVariant, eventRetention);
    }

    /** The same settings with a second model for a re-index (null: none). */
    public SinkConfig withNextModel(ModelVariant next) {
        return new SinkConfig(kafka, jdbcUrl, user, password, batchSize, linger, pollTimeout, modelVariant,
                embedThreads, embedBatch, retryInitial, retryMax, commitToKafka, opsHost, opsPort, httpEmbedder, next,
                eventRetention);
    }

    /** The same settings with the OpenAI-compatible endpoint instead of the ONNX model (null: back to ONNX). */
    public SinkConfig withHttpEmbedder(HttpEmbedderSettings settings) {
        return new SinkConfig(kafka, jdbcUrl, user, password, batchSize, linger, pollTimeout, modelVariant,
                embedThreads, embedBatch, retryInitial, retryMax, commitToKafka, opsHost, opsPort, settings,
                nextModelVariant, eventRetention);
    }

    /**
     * Consumer properties: read_committed (the chunker writes transactionally), no auto-commit (offsets live in
     * PostgreSQL), earliest when PostgreSQL has no offset, one batch per poll at most.
     */
    public Properties consumerProperties() {
        Properties p = kafka.clientProps();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, Topics.APP_EMBEDDER_SINK);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, Topics.APP_EMBEDDER_SINK + "-consumer");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(batchSize));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        // Values stay bytes: a record that does not decode goes to the DLQ exactly as it arrived.
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    /** DLQ producer properties: idempotent, acks=all, so a dead letter is durable before its offset moves. */
    public Properties dlqProducerProperties() {
        Properties p = kafka.clientProps();
        p.put(ProducerConfig.CLIENT_ID_CONFIG, Topics.APP_EMBEDDER_SINK + "-dlq");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        return p;
    }

    @Override
    public String toString() {
        // A password may also sit in the URL's query string.
        String url = jdbcUrl.replaceAll("(?i)password=[^&;]*", "password=******");
        return "SinkConfig[" + kafka + ", jdbcUrl=" + url + ", user=" + user + ", password=" + password
                + ", batchSize=" + batchSize + ", linger=" + linger + ", pollTimeout=" + pollTimeout + ", model="
                + modelVariant + ", embedThreads=" + embedThreads + ", embedBatch=" + embedBatch + ", retry="
                + retryInitial + ".." + retryMax + ", commitToKafka=" + commitToKafka + ", ops=" + opsHost + ":"
                + opsPort + ", eventRetention=" + eventRetention
                + (nextModelVariant == null ? "" : ", nextModel=" + nextModelVariant) + "]";
    }
}
