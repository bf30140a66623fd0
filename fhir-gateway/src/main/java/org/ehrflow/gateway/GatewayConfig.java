package org.ehrflow.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ehrflow.gateway.auth.Client;
import org.ehrflow.gateway.auth.ClientRegistry;
import org.ehrflow.gateway.bulk.BulkJob;
import org.ehrflow.gateway.subscription.SubscriptionSource;
import org.ehrflow.runtime.ConfigReader;
import org.ehrflow.runtime.smart.SmartBackendClient;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.identity.PatientKeyResolver;

/**
 * The gateway's settings, from {@code EHRFLOW_GATEWAY_*} (plus {@code EHRFLOW_KAFKA_*} for the broker).
 *
 * @param host              interface to bind; loopback unless configured
 * @param port              FHIR port (0 = ephemeral)
 * @param basePath          the FHIR base path, e.g. {@code /fhir}
 * @param maxBodyBytes      largest accepted request body (413 above)
 * @param ackDeadline       longest wait for the broker before answering 503
 * @param retryAfterSeconds the 503's Retry-After
 * @param workerThreads     requests in flight at most (each waits for its acknowledgement)
 * @param rejectUnknownElements whether elements R4 does not define make a resource invalid (422)
 * @param patientIndexSize  resources whose patient is remembered for later DELETEs
 * @param keys              identity rules (authority table, key systems, fallback types)
 * @param clients           bearer-token clients
 * @param tls               HTTPS key store, or null for plain HTTP
 * @param opsHost           interface of /metrics, /health, /ready (main only)
 * @param opsPort           its port (main only)
 * @param kafka             broker and client pass-through settings
 * @param subscriptions     Subscriptions whose rest-hook notifications are accepted (empty: endpoint off)
 * @param sourceTimeout     timeout of reads from a Subscription's source server (id-only notifications)
 * @param bulk              the Bulk Data export this gateway runs on a schedule, or null
 * @param bulkInterval      delay between the end of one export run and the start of the next
 * @param smart             SMART Backend Services access-token validation, or null
 */
public record GatewayConfig(String host, int port, String basePath, int maxBodyBytes, Duration ackDeadline,
        int retryAfterSeconds, int workerThreads, boolean rejectUnknownElements, int patientIndexSize,
        PatientKeyResolver keys, List<ClientRegistry.Entry> clients, GatewayTls tls, String opsHost, int opsPort,
        KafkaSettings kafka, List<SubscriptionSource> subscriptions, Duration sourceTimeout, BulkJob bulk,
        Duration bulkInterval, SmartSettings smart) {

    public static final String PREFIX = "EHRFLOW_GATEWAY_";
    public static final int DEFAULT_PORT = 8090;
    public static final int DEFAULT_OPS_PORT = 9407;
    public static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

    public GatewayConfig {
        clients = List.copyOf(clients);
        subscriptions = List.copyOf(subscriptions);
    }

    /** Defaults for code (tests, the demo): loopback, port 8090, base /fhir, 4 MiB bodies, 10 s deadline. */
    public static GatewayConfig defaults(KafkaSettings kafka, List<ClientRegistry.Entry> clients) {
        return new GatewayConfig("127.0.0.1", DEFAULT_PORT, "/fhir", DEFAULT_MAX_BODY_BYTES, Duration.ofSeconds(10),
                5, 16, true, 100_000, PatientKeyResolver.defaults(), clients, null, "127.0.0.1", DEFAULT_OPS_PORT,
                kafka, List.of(), Duration.ofSeconds(10), null, Duration.ofHours(1), null);
    }

    /** Reads every setting, reporting all problems at once ({@link org.ehrflow.runtime.ConfigException}). */
    public static GatewayConfig fromEnv(Map<String, String> env) {
        ConfigReader r = new ConfigReader(env, PREFIX);
        GatewayConfig d = defaults(KafkaSettings.read(env), List.of());
        String host = r.string("HOST", d.host());
        int port = r.integer("PORT", d.port(), 0, 65535);
        String base = r.string("BASE_PATH", d.basePath());
        r.check(base.isEmpty() || (base.startsWith("/") && !base.endsWith("/")),
                r.key("BASE_PATH") + " must start with / and not end with / (e.g. /fhir)");
        int maxBody = r.integer("MAX_BODY_BYTES", d.maxBodyBytes(), 1024, 256 * 1024 * 1024);
        Duration deadline = r.duration("ACK_DEADLINE", d.ackDeadline(), Duration.ofMillis(100), Duration.ofMinutes(5));
        int retryAfter = r.integer("RETRY_AFTER_SECONDS", d.retryAfterSeconds(), 1, 3600);
        int workers = r.integer("WORKER_THREADS", d.workerThreads(), 1, 1024);
        boolean rejectUnknown = r.bool("REJECT_UNKNOWN_ELEMENTS", true);
        int indexSize = r.integer("PATIENT_INDEX_SIZE", d.patientIndexSize(), 0, 50_000_000);
        PatientKeyResolver keys = keys(r);
        List<ClientRegistry.Entry> clients = clients(r);
        SmartSettings smart = SmartSettings.read(r);
        r.check(!clients.isEmpty() || smart != null, r.key("CLIENTS")
                + " must name at least one client (id:tokenFile:Type,Type|*) unless SMART tokens are configured");
        GatewayTls tls = GatewayTls.read(r);
        String opsHost = r.string("OPS_HOST", host);
        int opsPort = r.integer("OPS_PORT", d.opsPort(), 0, 65535);
        r.check(port == 0 || opsPort == 0 || port != opsPort || !host.equals(opsHost),
                r.key("OPS_PORT") + " must differ from " + r.key("PORT"));
        List<SubscriptionSource> subscriptions = subscriptions(r);
        Duration sourceTimeout = r.duration("SOURCE_TIMEOUT", d.sourceTimeout(), Duration.ofMillis(100),
                Duration.ofMinutes(5));
        BulkJob bulk = bulk(r);
        Duration bulkInterval = r.duration("BULK_INTERVAL", d.bulkInterval(), Duration.ofSeconds(10),
                Duration.ofDays(7));
        r.validate();
        return new GatewayConfig(host, port, base, maxBody, deadline, retryAfter, workers, rejectUnknown, indexSize,
                keys, clients, tls, opsHost, opsPort, d.kafka(), subscriptions, sourceTimeout, bulk, bulkInterval,
                        smart);
    }

    public GatewayConfig withPort(int newPort) {
        return new GatewayConfig(host, newPort, basePath, maxBodyBytes, ackDeadline, retryAfterSeconds, workerThreads,
                rejectUnknownElements, patientIndexSize, keys, clients, tls, opsHost, opsPort, kafka, subscriptions,
                        sourceTimeout, bulk, bulkInterval, smart);
    }

    public GatewayConfig withAckDeadline(Duration d) {
        return new GatewayConfig(host, port, basePath, maxBodyBytes, d, retryAfterSeconds, workerThreads,
                rejectUnknownElements, patientIndexSize, keys, clients, tls, opsHost, opsPort, kafka, subscriptions,
                        sourceTimeout, bulk, bulkInterval, smart);
    }

    public GatewayConfig withMaxBodyBytes(int bytes) {
        return new GatewayConfig(host, port, basePath, bytes, ackDeadline, retryAfterSeconds, workerThreads,
                rejectUnknownElements, patientIndexSize, keys, clients, tls, opsHost, opsPort, kafka, subscriptions,
                        sourceTimeout, bulk, bulkInterval, smart);
    }

    public GatewayConfig withTls(GatewayTls newTls) {
        return new GatewayConfig(host, port, basePath, maxBodyBytes, ackDeadline, retryAfterSeconds, workerThreads,
                rejectUnknownElements, patientIndexSize, keys, clients, newTls, opsHost, opsPort, kafka, subscriptions,
                        sourceTimeout, bulk, bulkInterval, smart);
    }

    /** With the rest-hook endpoint for these Subscriptions. */
    public GatewayConfig withSubscriptions(List<SubscriptionSource> subs) {
        return new GatewayConfig(host, port, basePath, maxBodyBytes, ackDeadline, retryAfterSeconds, workerThreads,
                rejectUnknownElements, patientIndexSize, keys, clients, tls, opsHost, opsPort, kafka, subs,
                sourceTimeout, bulk, bulkInterval, smart);
    }

    /**
     * {@code id@baseUrl;id2@baseUrl2}: each Subscription's logical id at its source server; the source's bearer
     * token (for id-only reads) from {@code SOURCE_TOKEN_FILE}, if set.
     */
    private static List<SubscriptionSource> subscriptions(ConfigReader r) {
        String v = r.string("SUBSCRIPTIONS", "");
        String tokenFile = r.string("SOURCE_TOKEN_FILE", null);
        Secret token = new Secret("");
        if (tokenFile != null) {
            try {
                token = new Secret(Files.readString(Path.of(tokenFile)).strip());
            } catch (IOException e) {
                r.check(false, r.key("SOURCE_TOKEN_FILE") + " is not readable");
            }
        }
        List<SubscriptionSource> out = new ArrayList<>();
        for (String entry : v.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.strip().split("@", 2);
            boolean ok = parts.length == 2 && parts[0].matches("[A-Za-z0-9\\-.]{1,64}")
                    && (parts[1].startsWith("https://") || parts[1].startsWith("http://"));
            r.check(ok, r.key("SUBSCRIPTIONS") + " entries must be subscriptionId@http(s)://source/fhir");
            if (ok) {
                out.add(new SubscriptionSource(parts[0], parts[1].strip(), token));
            }
        }
        return out;
    }

    /**
     * SMART Backend Services access tokens: the authorization server's keys ({@code SMART_JWKS_FILE}), its
     * {@code iss} ({@code SMART_ISSUER}) and this gateway's {@code aud} ({@code SMART_AUDIENCE}, its base URL).
     */
    public record SmartSettings(com.fasterxml.jackson.databind.JsonNode jwks, String issuer, String audience) {

        static SmartSettings read(ConfigReader r) {
            String file = r.string("SMART_JWKS_FILE", null);
            if (file == null) {
                return null;
            }
            String issuer = r.requiredString("SMART_ISSUER");
            String audience = r.requiredString("SMART_AUDIENCE");
            try {
                com.fasterxml.jackson.databind.JsonNode jwks = org.ehrflow.schemas.Json.MAPPER.readTree(
                        Path.of(file).toFile());
                org.ehrflow.gateway.auth.Jwks.parse(jwks); // fail at start-up, not on the first request
                return issuer == null || audience == null ? null : new SmartSettings(jwks, issuer, audience);
            } catch (IOException | IllegalArgumentException e) {
                r.check(false, r.key("SMART_JWKS_FILE") + " must be a readable JWKS file with valid public keys");
                return null;
            }
        }

        @Override
        public String toString() {
            return "SmartSettings[" + issuer + ", aud " + audience + "]";
        }
    }

    /** With SMART Backend Services access tokens accepted beside the static ones. */
    public GatewayConfig withSmart(SmartSettings s) {
        return new GatewayConfig(host, port, basePath, maxBodyBytes, ackDeadline, retryAfterSeconds, workerThreads,
                rejectUnknownElements, patientIndexSize, keys, clients, tls, opsHost, opsPort, kafka, subscriptions,
                sourceTimeout, bulk, bulkInterval, s);
    }

    /** With a scheduled Bulk Data export. */
    public GatewayConfig withBulk(BulkJob job, Duration interval) {
        return new GatewayConfig(host, port, basePath, maxBodyBytes, ackDeadline, retryAfterSeconds, workerThreads,
                rejectUnknownElements, patientIndexSize, keys, clients, tls, opsHost, opsPort, kafka, subscriptions,
                sourceTimeout, job, interval, smart);
    }

    /** {@code BULK_URL} (the server's FHIR base) turns the scheduled export on; null when unset. */
    private static BulkJob bulk(ConfigReader r) {
        String url = r.string("BULK_URL", null);
        if (url == null) {
            return null;
        }
        r.check(url.startsWith("https://") || url.startsWith("http://"), r.key("BULK_URL") + " must be an http(s) URL");
        String level = r.string("BULK_LEVEL", "system");
        r.check(level.equals("system") || level.equals("patient") || level.matches("group:[A-Za-z0-9\\-.]{1,64}"),
                r.key("BULK_LEVEL") + " must be system, patient or group:<id>");
        List<String> types = Arrays.stream(r.string("BULK_TYPES", "").split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
        String name = r.string("BULK_NAME", "bulk");
        r.check(name.matches("[A-Za-z0-9\\-_.]{1,64}"), r.key("BULK_NAME") + " must be a short name ([A-Za-z0-9-_.])");
        String stateDir = r.string("BULK_STATE_DIR", null);
        r.check(stateDir != null && Files.isDirectory(Path.of(stateDir)) && Files.isWritable(Path.of(stateDir)),
                r.key("BULK_STATE_DIR") + " must name a writable directory (the export's resume state lives there)");
        Secret token = new Secret("");
        String tokenFile = r.string("BULK_TOKEN_FILE", null);
        if (tokenFile != null) {
            try {
                token = new Secret(Files.readString(Path.of(tokenFile)).strip());
            } catch (IOException e) {
                r.check(false, r.key("BULK_TOKEN_FILE") + " is not readable");
            }
        }
        SmartBackendClient smart = SmartBackendClient.read(r, "BULK_");
        return new BulkJob(name, url, level, types, token,
                Path.of(stateDir == null ? "." : stateDir).resolve(name + ".bulk-state.json"), smart);
    }

    private static PatientKeyResolver keys(ConfigReader r) {
        String m = PatientKeyResolver.DEFAULT_MRN_SYSTEM;
        // The same keys as hl7-listener's and the normaliser's settings of the same names: one rule set.
        String authorities = r.string("AUTHORITY_SYSTEMS", "HOSP=" + m + ",EHR=" + m);
        String systems = r.string("KEY_SYSTEMS", m);
        String fallback = r.string("FALLBACK_TYPES", String.join(",", PatientKeyResolver.DEFAULT_FALLBACK_TYPES));
        try {
            return PatientKeyResolver.parse(authorities, systems, fallback);
        } catch (IllegalArgumentException e) {
            r.check(false, r.key("AUTHORITY_SYSTEMS") + " must be AUTHORITY=system,AUTHORITY2=system2");
            return PatientKeyResolver.defaults();
        }
    }

    /** {@code id:tokenFile:Type,Type;id2:tokenFile2:*}; each token is read from its (secret) file. */
    private static List<ClientRegistry.Entry> clients(ConfigReader r) {
        String v = r.string("CLIENTS", "");
        List<ClientRegistry.Entry> out = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (String entry : v.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.strip().split(":", 3);
            if (parts.length != 3 || parts[0].isBlank() || parts[2].isBlank()) {
                r.check(false, r.key("CLIENTS") + " entries must be id:tokenFile:Type,Type (or *)");
                continue;
            }
            String id = parts[0].strip();
            r.check(ids.add(id), r.key("CLIENTS") + " names client " + id + " twice");
            Set<String> types = new LinkedHashSet<>(Arrays.stream(parts[2].split(",")).map(String::strip)
                    .filter(s -> !s.isEmpty()).toList());
            try {
                String token = Files.readString(Path.of(parts[1].strip())).strip();
                out.add(new ClientRegistry.Entry(new Client(id, types), new Secret(token)));
            } catch (IOException e) {
                r.check(false, r.key("CLIENTS") + ": token file of client " + id + " is not readable");
            } catch (IllegalArgumentException e) {
                r.check(false, r.key("CLIENTS") + ": token of client " + id + " must have at least 16 characters");
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "GatewayConfig[http" + (tls == null ? "" : "s") + "=" + host + ":" + port + basePath + ", maxBodyBytes="
                + maxBodyBytes + ", ackDeadline=" + ackDeadline + ", retryAfter=" + retryAfterSeconds + "s, workers="
                + workerThreads + ", rejectUnknownElements=" + rejectUnknownElements + ", patientIndexSize="
                + patientIndexSize + ", fallbackTypes=" + keys.fallbackTypes() + ", clients="
                + clients.stream().map(c -> c.client().id() + c.client().allowedTypes()).toList() + ", ops="
                + opsHost + ":" + opsPort + ", subscriptions=" + subscriptions + ", sourceTimeout=" + sourceTimeout
                + ", bulk=" + (bulk == null ? "off" : bulk.name() + "@" + bulk.baseUrl() + " " + bulk.level() + " "
                + bulk.types() + " every " + bulkInterval) + ", smart=" + (smart == null ? "off" : smart) + ", "
                + kafka + "]";
    }
}
