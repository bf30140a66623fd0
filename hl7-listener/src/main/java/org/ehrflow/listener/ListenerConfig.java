package org.ehrflow.listener;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.ehrflow.listener.hl7.Hl7Charsets;
import org.ehrflow.listener.tls.TlsSettings;
import org.ehrflow.runtime.ConfigReader;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.identity.PatientKeyResolver;

/**
 * The listener's settings, from {@code EHRFLOW_LISTENER_*} (plus {@code EHRFLOW_KAFKA_*} for the broker).
 *
 * @param host             interface to bind; loopback unless configured (bind all with 0.0.0.0)
 * @param port             MLLP port (0 = ephemeral)
 * @param maxFrameBytes    largest accepted message; larger frames get AR and the connection is closed
 * @param readTimeout      a connection with nothing in flight and no traffic for this long is closed
 * @param ackDeadline      longest wait for the broker before answering AE
 * @param defaultCharset   charset of messages without MSH-18
 * @param maxConnections   concurrent connections; more are closed at accept
 * @param workerThreads    threads that classify frames and hand them to the producer
 * @param processingIds    accepted MSH-11 values
 * @param eventTimeZone    zone assumed for MSH-7 without an offset
 * @param keys             patient key resolution (authority map and key systems)
 * @param opsHost          interface of the /metrics, /health, /ready endpoint (main only)
 * @param opsPort          its port (main only; 0 = ephemeral)
 * @param kafka            broker and client pass-through settings
 * @param allowedFacilities sending facilities (MSH-4.1, else MSH-3.1) accepted; empty = any
 * @param tls              MLLP over TLS, or null for plain TCP
 */
public record ListenerConfig(String host, int port, int maxFrameBytes, Duration readTimeout, Duration ackDeadline,
        Charset defaultCharset, int maxConnections, int workerThreads, Set<String> processingIds,
        ZoneId eventTimeZone, PatientKeyResolver keys, String opsHost, int opsPort, KafkaSettings kafka,
        Set<String> allowedFacilities, TlsSettings tls) {

    public static final String PREFIX = "EHRFLOW_LISTENER_";
    public static final int DEFAULT_PORT = 2575;
    public static final int DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
    public static final int DEFAULT_OPS_PORT = 9401;

    public ListenerConfig {
        processingIds = Set.copyOf(processingIds);
        allowedFacilities = Set.copyOf(allowedFacilities);
    }

    /** Defaults for code (tests, the demo): loopback, port 2575, 1 MiB frames, 10 s ACK deadline. */
    public static ListenerConfig defaults(KafkaSettings kafka) {
        return new ListenerConfig("127.0.0.1", DEFAULT_PORT, DEFAULT_MAX_FRAME_BYTES, Duration.ofMinutes(5),
                Duration.ofSeconds(10), StandardCharsets.UTF_8, 256, defaultWorkers(), Set.of("P", "T", "D"),
                ZoneOffset.UTC, PatientKeyResolver.defaults(), "127.0.0.1", DEFAULT_OPS_PORT, kafka, Set.of(), null);
    }

    /** Reads every setting, reporting all problems at once ({@link org.ehrflow.runtime.ConfigException}). */
    public static ListenerConfig fromEnv(Map<String, String> env) {
        ConfigReader r = new ConfigReader(env, PREFIX);
        ListenerConfig d = defaults(KafkaSettings.read(env));
        String host = r.string("HOST", d.host());
        int port = r.integer("PORT", d.port(), 0, 65535);
        int maxFrame = r.integer("MAX_FRAME_BYTES", d.maxFrameBytes(), 1024, 64 * 1024 * 1024);
        Duration readTimeout = r.duration("READ_TIMEOUT", d.readTimeout(), Duration.ofMillis(100),
                Duration.ofDays(1));
        Duration ackDeadline = r.duration("ACK_DEADLINE", d.ackDeadline(), Duration.ofMillis(100),
                Duration.ofMinutes(5));
        Charset charset = charset(r, d.defaultCharset());
        int maxConnections = r.integer("MAX_CONNECTIONS", d.maxConnections(), 1, 100_000);
        int workers = r.integer("WORKER_THREADS", d.workerThreads(), 1, 256);
        Set<String> processingIds = processingIds(r, d.processingIds());
        ZoneId zone = zone(r, d.eventTimeZone());
        PatientKeyResolver keys = keys(r);
        String opsHost = r.string("OPS_HOST", host);
        int opsPort = r.integer("OPS_PORT", d.opsPort(), 0, 65535);
        r.check(port == 0 || opsPort == 0 || port != opsPort || !host.equals(opsHost),
                r.key("OPS_PORT") + " must differ from " + r.key("PORT"));
        Set<String> facilities = list(r.string("ALLOWED_FACILITIES", ""));
        TlsSettings tls = TlsConfig.read(r);
        r.validate();
        return new ListenerConfig(host, port, maxFrame, readTimeout, ackDeadline, charset, maxConnections, workers,
                processingIds, zone, keys, opsHost, opsPort, d.kafka(), facilities, tls);
    }

    public ListenerConfig withPort(int newPort) {
        return new ListenerConfig(host, newPort, maxFrameBytes, readTimeout, ackDeadline, defaultCharset,
                maxConnections, workerThreads, processingIds, eventTimeZone, keys, opsHost, opsPort, kafka,
                allowedFacilities, tls);
    }

    public ListenerConfig withAckDeadline(Duration d) {
        return new ListenerConfig(host, port, maxFrameBytes, readTimeout, d, defaultCharset, maxConnections,
                workerThreads, processingIds, eventTimeZone, keys, opsHost, opsPort, kafka, allowedFacilities, tls);
    }

    public ListenerConfig withLimits(int newMaxFrameBytes, Duration newReadTimeout, int newMaxConnections) {
        return new ListenerConfig(host, port, newMaxFrameBytes, newReadTimeout, ackDeadline, defaultCharset,
                newMaxConnections, workerThreads, processingIds, eventTimeZone, keys, opsHost, opsPort, kafka,
                allowedFacilities, tls);
    }

    /** Only these sending facilities (MSH-4.1, else MSH-3.1) are accepted; others get AR FACILITY_NOT_ALLOWED. */
    public ListenerConfig withAllowedFacilities(Set<String> facilities) {
        return new ListenerConfig(host, port, maxFrameBytes, readTimeout, ackDeadline, defaultCharset,
                maxConnections, workerThreads, processingIds, eventTimeZone, keys, opsHost, opsPort, kafka,
                facilities, tls);
    }

    /** Serve MLLP over TLS ({@code null}: plain TCP). */
    public ListenerConfig withTls(TlsSettings newTls) {
        return new ListenerConfig(host, port, maxFrameBytes, readTimeout, ackDeadline, defaultCharset,
                maxConnections, workerThreads, processingIds, eventTimeZone, keys, opsHost, opsPort, kafka,
                allowedFacilities, newTls);
    }

    private static Set<String> list(String v) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : v.split(",")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }

    private static int defaultWorkers() {
        return Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
    }

    private static Charset charset(ConfigReader r, Charset dflt) {
        String v = r.string("DEFAULT_CHARSET", null);
        if (v == null) {
            return dflt;
        }
        return r.check(Hl7Charsets.forName(v), o -> o.isPresent(), r.key("DEFAULT_CHARSET")
                + " must be an MSH-18 name: ASCII, 8859/1 (..8859/15), UNICODE UTF-8").orElse(dflt);
    }

    private static Set<String> processingIds(ConfigReader r, Set<String> dflt) {
        String v = r.string("PROCESSING_IDS", null);
        if (v == null) {
            return dflt;
        }
        Set<String> ids = new LinkedHashSet<>();
        for (String s : v.split(",")) {
            if (!s.isBlank()) {
                ids.add(s.strip());
            }
        }
        r.check(!ids.isEmpty(), r.key("PROCESSING_IDS") + " must list at least one of P, T, D");
        return ids;
    }

    private static ZoneId zone(ConfigReader r, ZoneId dflt) {
        String v = r.string("EVENT_TIME_ZONE", null);
        if (v == null) {
            return dflt;
        }
        try {
            return ZoneId.of(v);
        } catch (DateTimeException e) {
            r.check(false, r.key("EVENT_TIME_ZONE") + " must be a zone id (UTC, Europe/Berlin, +01:00)");
            return dflt;
        }
    }

    private static PatientKeyResolver keys(ConfigReader r) {
        String m = PatientKeyResolver.DEFAULT_MRN_SYSTEM;
        // Same as PatientKeyResolver.defaults() when unset; each setting replaces its half of the defaults.
        String authorities = r.string("AUTHORITY_SYSTEMS", "HOSP=" + m + ",EHR=" + m);
        String systems = r.string("KEY_SYSTEMS", m);
        // The identity rules' fallback tier (issue 13); unset: the shared defaults. Keep equal across the apps.
        String fallback = r.string("FALLBACK_TYPES", null);
        try {
            return PatientKeyResolver.parse(authorities, systems, fallback);
        } catch (IllegalArgumentException e) {
            r.check(false, r.key("AUTHORITY_SYSTEMS") + " must be AUTHORITY=system,AUTHORITY2=system2");
            return PatientKeyResolver.defaults();
        }
    }

    @Override
    public String toString() {
        return "ListenerConfig[mllp=" + host + ":" + port + ", maxFrameBytes=" + maxFrameBytes + ", readTimeout="
                + readTimeout + ", ackDeadline=" + ackDeadline + ", defaultCharset=" + defaultCharset
                + ", maxConnections=" + maxConnections + ", workerThreads=" + workerThreads + ", processingIds="
                + processingIds + ", eventTimeZone=" + eventTimeZone + ", ops=" + opsHost + ":" + opsPort
                + ", allowedFacilities=" + (allowedFacilities.isEmpty() ? "any" : allowedFacilities.size())
                + ", tls=" + (tls == null ? "off" : tls) + ", " + kafka + "]";
    }
}
