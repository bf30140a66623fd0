package org.ehrflow.chunker;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.ehrflow.chunker.chunking.ChunkingOptions;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.runtime.ConfigReader;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.schemas.Topics;

/**
 * The chunker's settings, from {@code EHRFLOW_CHUNKER_*} (plus {@code EHRFLOW_KAFKA_*} for the broker).
 *
 * @param kafka         broker and client pass-through properties
 * @param modelVariant  embedding model whose tokenizer counts tokens (must match the sink's model)
 * @param maxTokens     most tokens per chunk, [CLS]/[SEP] included, at most the model window (128)
 * @param overlapTokens tokens repeated between consecutive chunks of one section
 * @param stateDir      Kafka Streams state directory
 * @param streamThreads Kafka Streams threads
 * @param opsHost       bind address of /metrics, /health, /ready (main only)
 * @param opsPort       port of the ops endpoint (0 = any free port)
 * @param deidentify    whether every chunk also carries its de-identified text ({@code Chunk.deidentifiedText})
 * @param documentsFromExtractor whether the document extractor is deployed: documents it owns
 *                      ({@code DocumentRouting}) are then chunked from {@code ehr.extracted.document-text.v1}
 *                      and skipped on the normalised topic
 */
public record ChunkerConfig(
        KafkaSettings kafka,
        ModelVariant modelVariant,
        int maxTokens,
        int overlapTokens,
        Path stateDir,
        int streamThreads,
        String opsHost,
        int opsPort,
        boolean deidentify,
        boolean documentsFromExtractor) {

    public static final String PREFIX = "EHRFLOW_CHUNKER_";
    public static final int DEFAULT_OPS_PORT = 8084;

    public ChunkerConfig {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(modelVariant, "modelVariant");
        Objects.requireNonNull(stateDir, "stateDir");
        chunking(maxTokens, overlapTokens);
    }

    /** Settings that chunk documents inline (no document extractor). */
    public ChunkerConfig(KafkaSettings kafka, ModelVariant modelVariant, int maxTokens, int overlapTokens,
            Path stateDir, int streamThreads, String opsHost, int opsPort, boolean deidentify) {
        this(kafka, modelVariant, maxTokens, overlapTokens, stateDir, streamThreads, opsHost, opsPort, deidentify,
                false);
    }

    /** Settings with the de-identified variant on (the default). */
    public ChunkerConfig(KafkaSettings kafka, ModelVariant modelVariant, int maxTokens, int overlapTokens,
            Path stateDir, int streamThreads, String opsHost, int opsPort) {
        this(kafka, modelVariant, maxTokens, overlapTokens, stateDir, streamThreads, opsHost, opsPort, true);
    }

    /** A copy with the de-identified variant switched on or off. */
    public ChunkerConfig withDeidentify(boolean on) {
        return new ChunkerConfig(kafka, modelVariant, maxTokens, overlapTokens, stateDir, streamThreads, opsHost,
                opsPort, on, documentsFromExtractor);
    }

    /** A copy that reads documents from the document extractor (or inline again). */
    public ChunkerConfig withDocumentsFromExtractor(boolean on) {
        return new ChunkerConfig(kafka, modelVariant, maxTokens, overlapTokens, stateDir, streamThreads, opsHost,
                opsPort, deidentify, on);
    }

    /** Defaults for in-process use (demo, tests): full window, 16 tokens overlap, one thread, any free ops port. */
    public static ChunkerConfig defaults(KafkaSettings kafka, Path stateDir) {
        return new ChunkerConfig(kafka, ModelVariant.INT8, ModelVariant.MAX_TOKENS, ChunkingOptions.DEFAULT_OVERLAP,
                stateDir, 1, "127.0.0.1", 0);
    }

    public static ChunkerConfig defaults(String bootstrapServers) {
        return defaults(KafkaSettings.of(bootstrapServers), defaultStateDir());
    }

    /** Reads the settings, failing once with every problem found. */
    public static ChunkerConfig fromEnv(Map<String, String> env) {
        ConfigReader r = new ConfigReader(env, PREFIX);
        ModelVariant variant = r.enumValue("MODEL_VARIANT", ModelVariant.class, ModelVariant.INT8);
        int max = r.integer("MAX_TOKENS", ModelVariant.MAX_TOKENS, ChunkingOptions.MIN_TOKENS, ModelVariant.MAX_TOKENS);
        int overlap = r.integer("OVERLAP_TOKENS", ChunkingOptions.DEFAULT_OVERLAP, 0, ModelVariant.MAX_TOKENS);
        r.check(overlap <= max / 4, r.key("OVERLAP_TOKENS") + " must be at most a quarter of " + r.key("MAX_TOKENS")
                + " (" + max / 4 + ")");
        Path stateDir = Path.of(r.string("STATE_DIR", defaultStateDir().toString()));
        int threads = r.integer("STREAM_THREADS", 1, 1, 64);
        String opsHost = r.string("OPS_HOST", "0.0.0.0");
        int opsPort = r.integer("OPS_PORT", DEFAULT_OPS_PORT, 0, 65535);
        boolean deidentify = r.bool("DEIDENTIFY", true);
        boolean fromExtractor = r.bool("DOCUMENTS_FROM_EXTRACTOR", false);
        KafkaSettings kafka = KafkaSettings.read(env);
        r.validate();
        return new ChunkerConfig(kafka, variant, max, overlap, stateDir, threads, opsHost, opsPort, deidentify,
                fromExtractor);
    }

    public ChunkingOptions chunking() {
        return chunking(maxTokens, overlapTokens);
    }

    /** Kafka Streams properties: exactly-once v2, the chunker's application id, state dir and threads. */
    public Properties streamsProperties() {
        Properties p = kafka.clientProps();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, Topics.APP_CHUNKER);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        return p;
    }

    private static ChunkingOptions chunking(int max, int overlap) {
        return new ChunkingOptions(max, overlap);
    }

    private static Path defaultStateDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "ehrflow", Topics.APP_CHUNKER);
    }
}
