package org.ehrflow.documents;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.ehrflow.documents.extract.ExtractionLimits;
import org.ehrflow.documents.fetch.FetchSettings;
import org.ehrflow.runtime.ConfigReader;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.smart.SmartBackendClient;
import org.ehrflow.schemas.Topics;

/**
 * The document extractor's settings, from {@code EHRFLOW_DOCUMENTS_*} (plus {@code EHRFLOW_KAFKA_*}).
 *
 * @param kafka           broker and client pass-through properties
 * @param limits          per-document bounds (bytes, pages, characters, parse and OCR time, OCR dpi/threshold)
 * @param fetch           attachments by reference: FHIR base, token, host allow-list, timeout, size
 * @param fetchRetryFor   how long one record's transient fetch failures are retried in place before the thread
 *                        is replaced and the record read again (never dead-lettered)
 * @param ocrCommand      the Tesseract executable
 * @param ocrLanguage     Tesseract language(s), e.g. "eng"
 * @param ocrNiceness     scheduling niceness of Tesseract (0 = normal priority, up to 19)
 * @param fastThreads     stream threads of the fast lane
 * @param ocrThreads      stream threads of the slow lane: the OCR worker pool (each runs one Tesseract at a time)
 * @param stateDir        Kafka Streams state directory (both lanes are stateless; Streams still wants one)
 * @param opsHost         bind address of /metrics, /health, /ready (main only)
 * @param opsPort         ops port (0 = any free port)
 * @param lanes           which lanes this process runs: both, or one, so the OCR lane can run as its own process
 *                        (container) with its own CPU limit and priority
 */
public record DocumentExtractorConfig(
        KafkaSettings kafka,
        ExtractionLimits limits,
        FetchSettings fetch,
        Duration fetchRetryFor,
        String ocrCommand,
        String ocrLanguage,
        int ocrNiceness,
        int fastThreads,
        int ocrThreads,
        Path stateDir,
        String opsHost,
        int opsPort,
        Lanes lanes) {

    /** Which lanes a process runs. */
    public enum Lanes { BOTH, FAST, SLOW }

    public static final String PREFIX = "EHRFLOW_DOCUMENTS_";
    public static final int DEFAULT_OPS_PORT = 8086;
    /** The OCR lane alone (LANES=SLOW) defaults to its own port, so both processes can share a host. */
    public static final int DEFAULT_OCR_OPS_PORT = 8087;

    public DocumentExtractorConfig {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(fetch, "fetch");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(lanes, "lanes");
    }

    /** Defaults for in-process use (demo, tests): no FHIR server to fetch from, one thread per lane. */
    public static DocumentExtractorConfig defaults(KafkaSettings kafka, Path stateDir) {
        return new DocumentExtractorConfig(kafka, ExtractionLimits.DEFAULTS,
                new FetchSettings(null, new Secret(""), Set.of(), Duration.ofSeconds(10),
                        ExtractionLimits.DEFAULTS.maxBytes()),
                Duration.ofSeconds(30), "tesseract", "eng", 10, 1, 1, stateDir, "127.0.0.1", 0, Lanes.BOTH);
    }

    /** A copy that fetches {@code Binary/<id>} from {@code base}. */
    public DocumentExtractorConfig withFhirBase(URI base, Secret token) {
        return new DocumentExtractorConfig(kafka, limits, new FetchSettings(base, token, fetch.allowedHosts(),
                fetch.timeout(), fetch.maxBytes()), fetchRetryFor, ocrCommand, ocrLanguage, ocrNiceness, fastThreads,
                ocrThreads, stateDir, opsHost, opsPort, lanes);
    }

    /** A copy with other lane thread counts. */
    public DocumentExtractorConfig withThreads(int fast, int ocr) {
        return new DocumentExtractorConfig(kafka, limits, fetch, fetchRetryFor, ocrCommand, ocrLanguage, ocrNiceness,
                fast, ocr, stateDir, opsHost, opsPort, lanes);
    }

    /** A copy that runs only {@code which} lanes. */
    public DocumentExtractorConfig withLanes(Lanes which) {
        return new DocumentExtractorConfig(kafka, limits, fetch, fetchRetryFor, ocrCommand, ocrLanguage, ocrNiceness,
                fastThreads, ocrThreads, stateDir, opsHost, opsPort, which);
    }

    /** Reads the settings, failing once with every problem found. */
    public static DocumentExtractorConfig fromEnv(Map<String, String> env) {
        ConfigReader r = new ConfigReader(env, PREFIX);
        int maxMb = r.integer("MAX_MEGABYTES", 50, 1, 1024);
        int maxPages = r.integer("MAX_PAGES", 500, 1, 100_000);
        int maxChars = r.integer("MAX_CHARACTERS", 2_000_000, 1_000, 200_000_000);
        Duration parse = r.duration("PARSE_TIMEOUT", Duration.ofSeconds(60), Duration.ofMillis(100),
                Duration.ofMinutes(30));
        Duration ocrPage = r.duration("OCR_PAGE_TIMEOUT", Duration.ofSeconds(60), Duration.ofMillis(100),
                Duration.ofMinutes(30));
        int dpi = r.integer("OCR_DPI", 300, 72, 600);
        int low = r.integer("OCR_LOW_CONFIDENCE", 60, 0, 100);
        int minText = r.integer("MIN_TEXT_PER_PAGE", 16, 0, 10_000);
        String base = r.string("FHIR_BASE_URL", null);
        URI baseUri = null;
        if (base != null) {
            try {
                baseUri = URI.create(base);
                r.check(baseUri.isAbsolute() && ("https".equals(baseUri.getScheme())
                        || "http".equals(baseUri.getScheme())), r.key("FHIR_BASE_URL") + " must be an http(s) URL");
            } catch (IllegalArgumentException e) {
                r.check(false, r.key("FHIR_BASE_URL") + " is not a URL");
            }
        }
        Secret token = r.secret("FHIR_BEARER_TOKEN", "");
        r.check(token.value().isEmpty() || baseUri != null,
                r.key("FHIR_BEARER_TOKEN") + " needs " + r.key("FHIR_BASE_URL"));
        SmartBackendClient smart = SmartBackendClient.read(r, "FETCH_");
        r.check(smart == null || token.value().isEmpty(), r.key("FHIR_BEARER_TOKEN") + " and "
                + r.key("FETCH_SMART_TOKEN_URL") + " are two credentials for one server: set one");
        Set<String> hosts = Arrays.stream(r.string("FETCH_ALLOWED_HOSTS", "").split(","))
                .map(h -> h.strip().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).collect(Collectors.toSet());
        Duration fetchTimeout = r.duration("FETCH_TIMEOUT", Duration.ofSeconds(10), Duration.ofMillis(100),
                Duration.ofMinutes(5));
        Duration retryFor = r.duration("FETCH_RETRY_FOR", Duration.ofSeconds(60), Duration.ZERO,
                Duration.ofMinutes(4));
        String ocrCommand = r.string("OCR_COMMAND", "tesseract");
        String ocrLanguage = r.string("OCR_LANGUAGE", "eng");
        r.check(ocrLanguage.matches("[A-Za-z_+]{3,64}"), r.key("OCR_LANGUAGE") + " must be Tesseract language codes");
        int nice = r.integer("OCR_NICENESS", 10, 0, 19);
        int fast = r.integer("FAST_THREADS", 1, 1, 64);
        int ocr = r.integer("OCR_THREADS", 2, 1, 64);
        Path stateDir = Path.of(r.string("STATE_DIR", defaultStateDir().toString()));
        String opsHost = r.string("OPS_HOST", "0.0.0.0");
        Lanes lanes = r.enumValue("LANES", Lanes.class, Lanes.BOTH);
        int opsPort = r.integer("OPS_PORT", lanes == Lanes.SLOW ? DEFAULT_OCR_OPS_PORT : DEFAULT_OPS_PORT, 0, 65535);
        KafkaSettings kafka = KafkaSettings.read(env);
        r.validate();
        long maxBytes = maxMb * 1024L * 1024L;
        return new DocumentExtractorConfig(kafka,
                new ExtractionLimits(maxBytes, maxPages, maxChars, parse, ocrPage, dpi, low, minText),
                new FetchSettings(baseUri, token, hosts, fetchTimeout, maxBytes, smart), retryFor, ocrCommand,
                ocrLanguage, nice, fast, ocr, stateDir, opsHost, opsPort, lanes);
    }

    /** Fast lane: exactly-once, small polls are fine (records take milliseconds). */
    public Properties fastLaneProperties() {
        Properties p = common(Topics.APP_DOCUMENT_EXTRACTOR, fastThreads);
        return p;
    }

    /**
     * Slow lane: one record per poll and a long poll interval, because one record can take minutes of OCR;
     * with the default 1,000 records per poll the consumer would miss its poll deadline and rebalance forever.
     */
    public Properties slowLaneProperties() {
        Properties p = common(Topics.APP_DOCUMENT_OCR, ocrThreads);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 1);
        long perRecord = limits.parseTimeout().plus(limits.ocrPageTimeout().multipliedBy(4)).plus(fetchRetryFor)
                .toMillis();
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG),
                (int) Math.min(Integer.MAX_VALUE, Math.max(300_000L, perRecord * 2)));
        return p;
    }

    private Properties common(String app, int threads) {
        Properties p = kafka.clientProps();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(app).toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        return p;
    }

    private static Path defaultStateDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "ehrflow", Topics.APP_DOCUMENT_EXTRACTOR);
    }
}
