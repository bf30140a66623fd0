package org.ehrflow.api;

import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.ehrflow.api.auth.UserRule;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.runtime.ConfigReader;
import org.ehrflow.runtime.Secret;

/**
 * The retrieval API's settings, from {@code EHRFLOW_API_*}. Three database logins keep the privileges apart:
 * the reader (member of {@code ehrflow_reader}, row-level security), the de-identified reader (member of
 * {@code ehrflow_deid_reader}: no grant on raw text at all) and the audit writer (member of
 * {@code ehrflow_audit_writer}: INSERT only on the log). None may own the tables.
 *
 * @param host              interface the API binds (loopback unless configured)
 * @param port              API port (0 = ephemeral)
 * @param opsHost           interface of /metrics, /health, /ready (main only)
 * @param opsPort           its port (main only; 0 = ephemeral)
 * @param jdbcUrl           the vector store (the sink's database)
 * @param readerUser        login of the raw-text reader
 * @param deidUser          login of the de-identified reader
 * @param auditUser         login that appends audit records (may be the reader's login if it has both roles)
 * @param migrateUser       owner that runs the audit migrations at start, or null (a DBA runs them)
 * @param poolSize          connections per login
 * @param workerThreads     HTTP worker threads
 * @param jwksFile          JWKS (RSA and P-256 EC keys) the bearer tokens are checked against, or null
 * @param jwksUrl           the identity provider's JWKS URL instead of a file (https, or http on loopback), or null
 * @param jwksRefresh       how often keys from the URL are re-read
 * @param issuer            required {@code iss}
 * @param audience          required in {@code aud}
 * @param clockSkew         tolerance on {@code exp}/{@code nbf}
 * @param userRule          which patients a {@code user/*} token may read
 * @param userPatientsClaim claim listing the patient keys a user may read (rule CLAIM)
 * @param defaultK          hits when the request names no k
 * @param maxK              largest k accepted
 * @param maxBodyBytes      largest request body accepted
 * @param ratePerSecond     sustained requests per second per client
 * @param rateBurst         requests a client may send at once
 * @param maxFreshnessWait  longest freshness wait a request may ask for
 * @param auditKey          HMAC key of the audit chain and of query hashes (at least 32 bytes)
 * @param auditQueryText    store the query text itself (PHI) instead of its keyed hash
 * @param auditRetention    age after which {@code audit prune} may remove records
 * @param modelVariant      the embedding model: must be the one the sink serves
 * @param embedThreads      ONNX Runtime intra-op threads for query embedding
 * @param queryBatch        most concurrent questions embedded in one model call (1: every question alone)
 * @param queryBatchWait    how long the first waiting question waits for company before its call
 * @param queryCache        question vectors remembered (least recently used evicted; 0: none)
 * @param demoPage          serve the search page at {@code /} (for trying the API with a demo token)
 * @param auditUnauthenticatedWindow per address, one record for the first refusal without a valid token in this
 *                          window and one counting the rest
 */
public record ApiConfig(String host, int port, String opsHost, int opsPort, String jdbcUrl,
        String readerUser, Secret readerPassword, String deidUser, Secret deidPassword,
        String auditUser, Secret auditPassword, String migrateUser, Secret migratePassword,
        int poolSize, int workerThreads, Path jwksFile, URI jwksUrl, Duration jwksRefresh, String issuer,
                String audience, Duration clockSkew,
        UserRule userRule, String userPatientsClaim, int defaultK, int maxK, int maxBodyBytes,
        int ratePerSecond, int rateBurst, Duration maxFreshnessWait, Secret auditKey, boolean auditQueryText,
        Duration auditRetention, ModelVariant modelVariant, int embedThreads, int queryBatch, Duration queryBatchWait,
        int queryCache, boolean demoPage, Duration auditUnauthenticatedWindow) {

    public static final String PREFIX = "EHRFLOW_API_";
    public static final int DEFAULT_PORT = 8480;
    public static final int DEFAULT_OPS_PORT = 9416;
    static final int MIN_AUDIT_KEY_BYTES = 32;

    /** Reads every setting, reporting all problems at once ({@link org.ehrflow.runtime.ConfigException}). */
    public static ApiConfig fromEnv(Map<String, String> env) {
        ConfigReader r = new ConfigReader(env, PREFIX);
        String host = r.string("HOST", "127.0.0.1");
        int port = r.integer("PORT", DEFAULT_PORT, 0, 65535);
        String opsHost = r.string("OPS_HOST", host);
        int opsPort = r.integer("OPS_PORT", DEFAULT_OPS_PORT, 0, 65535);
        r.check(port == 0 || port != opsPort || !host.equals(opsHost), r.key("OPS_PORT") + " must differ from "
                + r.key("PORT"));
        String jdbcUrl = r.requiredString("JDBC_URL");
        r.check(jdbcUrl == null || jdbcUrl.startsWith("jdbc:postgresql:"), r.key("JDBC_URL")
                + " must be a jdbc:postgresql: URL");
        String readerUser = r.requiredString("READER_USER");
        Secret readerPassword = r.secret("READER_PASSWORD", "");
        String deidUser = r.requiredString("DEID_USER");
        Secret deidPassword = r.secret("DEID_PASSWORD", "");
        String auditUser = r.string("AUDIT_USER", readerUser);
        Secret auditPassword = r.secret("AUDIT_PASSWORD", readerPassword.value());
        String migrateUser = r.string("MIGRATE_USER", null);
        Secret migratePassword = r.secret("MIGRATE_PASSWORD", "");
        r.check(readerUser == null || !readerUser.equals(deidUser), r.key("DEID_USER") + " must differ from "
                + r.key("READER_USER") + ": the de-identified login must not hold the raw reader's grants");
        int poolSize = r.integer("POOL_SIZE", 8, 1, 256);
        int workers = r.integer("WORKER_THREADS", 32, 1, 1024);
        String jwks = r.string("JWKS_FILE", null);
        Path jwksFile = jwks == null ? null : Path.of(jwks);
        URI jwksUrl = jwksUrl(r);
        r.check((jwksFile == null) != (jwksUrl == null), "set exactly one of " + r.key("JWKS_FILE") + " and "
                + r.key("JWKS_URL"));
        Duration jwksRefresh = r.duration("JWKS_REFRESH", Duration.ofMinutes(10), Duration.ofMinutes(1),
                Duration.ofDays(1));
        // readability is checked when the keys are loaded at start (the file may be mounted after config is read)
        String issuer = r.requiredString("ISSUER");
        String audience = r.requiredString("AUDIENCE");
        Duration skew = r.duration("CLOCK_SKEW", Duration.ofSeconds(60), Duration.ZERO, Duration.ofMinutes(5));
        UserRule userRule = r.enumValue("USER_RULE", UserRule.class, UserRule.CLAIM);
        String patientsClaim = r.string("USER_PATIENTS_CLAIM", "patients");
        int defaultK = r.integer("DEFAULT_K", 5, 1, 1000);
        int maxK = r.integer("MAX_K", 50, 1, 1000);
        r.check(defaultK <= maxK, r.key("DEFAULT_K") + " must not exceed " + r.key("MAX_K"));
        int maxBody = r.integer("MAX_BODY_BYTES", 16 * 1024, 256, 1024 * 1024);
        int rate = r.integer("RATE_PER_SECOND", 20, 1, 100_000);
        int burst = r.integer("RATE_BURST", 40, 1, 100_000);
        Duration maxWait = r.duration("MAX_FRESHNESS_WAIT", Duration.ofSeconds(10), Duration.ZERO,
                Duration.ofMinutes(5));
        Secret auditKey = r.secret("AUDIT_KEY", "");
        r.check(auditKey.value().getBytes(StandardCharsets.UTF_8).length >= MIN_AUDIT_KEY_BYTES, r.key("AUDIT_KEY")
                + " is required and must be at least " + MIN_AUDIT_KEY_BYTES + " bytes");
        boolean queryText = r.bool("AUDIT_QUERY_TEXT", false);
        Duration retention = r.duration("AUDIT_RETENTION", Duration.ofDays(6 * 365), Duration.ofDays(1),
                Duration.ofDays(100 * 365));
        ModelVariant variant = r.enumValue("MODEL_VARIANT", ModelVariant.class, ModelVariant.INT8);
        int threads = r.integer("EMBED_THREADS", Math.max(1, Runtime.getRuntime().availableProcessors() / 2), 1, 256);
        int queryBatch = r.integer("QUERY_BATCH", 32, 1, 1024);
        Duration batchWait = r.duration("QUERY_BATCH_WAIT", Duration.ofMillis(2), Duration.ZERO,
                Duration.ofMillis(100));
        int queryCache = r.integer("QUERY_CACHE", 10_000, 0, 1_000_000);
        boolean demoPage = r.bool("DEMO_PAGE", false);
        Duration unauthWindow = r.duration("AUDIT_UNAUTHENTICATED_WINDOW", Duration.ofMinutes(1),
                Duration.ofSeconds(1), Duration.ofHours(1));
        r.validate();
        return new ApiConfig(host, port, opsHost, opsPort, jdbcUrl, readerUser, readerPassword, deidUser,
                deidPassword, auditUser, auditPassword, migrateUser, migratePassword, poolSize, workers, jwksFile,
                jwksUrl, jwksRefresh, issuer, audience, skew, userRule, patientsClaim, defaultK, maxK, maxBody, rate,
                        burst, maxWait,
                auditKey, queryText, retention, variant, threads, queryBatch, batchWait, queryCache, demoPage,
                unauthWindow);
    }

    private static URI jwksUrl(ConfigReader r) {
        String v = r.string("JWKS_URL", null);
        if (v == null) {
            return null;
        }
        try {
            URI u = new URI(v);
            String host = u.getHost() == null ? "" : u.getHost();
            boolean loopback = host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]");
            // keys over plain HTTP could be swapped in transit: only for a provider on the same host
            r.check("https".equals(u.getScheme()) || ("http".equals(u.getScheme()) && loopback),
                    r.key("JWKS_URL") + " must be https (http only on loopback)");
            return u;
        } catch (URISyntaxException e) {
            r.check(false, r.key("JWKS_URL") + " must be a URL");
            return null;
        }
    }

    /** Keys and sizes, never passwords: the effective configuration logged at start-up. */
    @Override
    public String toString() {
        return "ApiConfig[host=" + host + ", port=" + port + ", ops=" + opsHost + ":" + opsPort + ", jdbcUrl="
                + jdbcUrl + ", readerUser=" + readerUser + ", deidUser=" + deidUser + ", auditUser=" + auditUser
                + ", migrateUser=" + migrateUser + ", poolSize=" + poolSize + ", workers=" + workerThreads
                + ", jwksFile=" + jwksFile + ", jwksUrl=" + jwksUrl + ", issuer=" + issuer + ", audience=" + audience
                        + ", userRule="
                + userRule + ", k=" + defaultK + "/" + maxK + ", maxBody=" + maxBodyBytes + ", rate="
                + ratePerSecond + "/s burst " + rateBurst + ", maxFreshnessWait=" + maxFreshnessWait
                + ", auditKey=" + auditKey + ", auditQueryText=" + auditQueryText + ", auditRetention="
                + auditRetention + ", auditUnauthenticatedWindow=" + auditUnauthenticatedWindow + ", model="
                + modelVariant + ", queryBatch=" + queryBatch + ", queryCache=" + queryCache + ", demoPage=" + demoPage
                + "]";
    }
}
