package org.ehrflow.api;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.ehrflow.api.audit.AuditChain;
import org.ehrflow.api.audit.AuditMigrations;
import org.ehrflow.api.audit.AuditWriter;
import org.ehrflow.api.auth.AccessPolicy;
import org.ehrflow.api.auth.JwksKeys;
import org.ehrflow.api.auth.JwtVerifier;
import org.ehrflow.api.auth.KeySource;
import org.ehrflow.api.auth.RemoteJwks;
import org.ehrflow.api.http.ApiServer;
import org.ehrflow.api.http.CitationEndpoint;
import org.ehrflow.api.http.RateLimiter;
import org.ehrflow.api.http.RetrieveEndpoint;
import org.ehrflow.api.http.TimelineEndpoint;
import org.ehrflow.api.search.SearchBackend;
import org.ehrflow.api.search.SqlSearchBackend;
import org.ehrflow.api.store.ConnectionFactory;
import org.ehrflow.api.store.ConnectionPool;
import org.ehrflow.api.store.LoginCheck;
import org.ehrflow.api.store.Readers;
import org.ehrflow.api.store.RetrievalSets;
import org.ehrflow.embedding.Embedder;
import org.ehrflow.embedding.OnnxEmbedder;
import org.ehrflow.embedding.QueryBatcher;
import org.ehrflow.embedding.QueryCache;
import org.ehrflow.runtime.AppRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retrieval API process: wiring only. Checks the logins (reader roles, never an owner), optionally runs the
 * audit migrations, loads the embedding model and serves {@code /v1/*}, the OpenAPI document and (if enabled)
 * the demo search page.
 */
public final class RetrievalApiApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RetrievalApiApp.class);
    private static final long BORROW_TIMEOUT_MS = 5_000;
    private static final int MAX_QUERY_CHARS = 2_000;

    private final ApiServer server;
    private final Readers readers;
    private final ConnectionPool auditPool;
    private final AuditWriter audit;
    private final QueryBatcher queries;

    private RetrievalApiApp(ApiServer server, Readers readers, ConnectionPool auditPool, AuditWriter audit,
            QueryBatcher queries) {
        this.server = server;
        this.queries = queries;
        this.readers = readers;
        this.auditPool = auditPool;
        this.audit = audit;
    }

    public static void main(String[] args) {
        AppRunner.main("retrieval-api", ApiConfig::fromEnv, c -> new AppRunner.OpsAddress(c.opsHost(), c.opsPort()),
                (c, registry) -> {
                    LOG.info("starting with {}", c);
                    Embedder embedder = OnnxEmbedder.load(c.modelVariant(), c.embedThreads(),
                            OnnxEmbedder.defaultMaxBatch(c.modelVariant()));
                    RetrievalApiApp app;
                    try {
                        app = start(c, embedder, registry);
                    } catch (Exception e) {
                        embedder.close();
                        throw e;
                    }
                    LOG.info("retrieval API on {}:{}", c.host(), app.port());
                    return AppRunner.running(() -> {
                        app.close();
                        embedder.close();
                    }, () -> true, () -> null);
                });
    }

    /** Starts the API with a caller-owned model (tests, the demo); fails naming the setting at fault. */
    public static RetrievalApiApp start(ApiConfig config, Embedder embedder, MeterRegistry registry)
            throws IOException, SQLException {
        if (config.migrateUser() != null) {
            AuditMigrations.run(config.jdbcUrl(), config.migrateUser(), config.migratePassword());
        }
        ConnectionFactory rawLogin = ConnectionFactory.of(config.jdbcUrl(), config.readerUser(),
                config.readerPassword(), "ehrflow-retrieval-api");
        ConnectionFactory deidLogin = ConnectionFactory.of(config.jdbcUrl(), config.deidUser(),
                config.deidPassword(), "ehrflow-retrieval-api-deid");
        ConnectionFactory auditLogin = ConnectionFactory.of(config.jdbcUrl(), config.auditUser(),
                config.auditPassword(), "ehrflow-retrieval-api-audit");
        List<String> problems = new ArrayList<>();
        check(rawLogin, ApiConfig.PREFIX + "READER_USER", false, problems);
        check(deidLogin, ApiConfig.PREFIX + "DEID_USER", true, problems);
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems));
        }
        Readers readers = new Readers(new ConnectionPool(rawLogin, config.poolSize(), BORROW_TIMEOUT_MS),
                new ConnectionPool(deidLogin, config.poolSize(), BORROW_TIMEOUT_MS));
        ConnectionPool auditPool = new ConnectionPool(auditLogin, 2, BORROW_TIMEOUT_MS);
        AuditChain chain = new AuditChain(config.auditKey().value().getBytes(StandardCharsets.UTF_8));
        AuditWriter audit = new AuditWriter(auditLogin, chain);
        AccessPolicy policy = new AccessPolicy(config.userRule());
        SearchBackend backend = new SqlSearchBackend();
        KeySource keys;
        try {
            keys = config.jwksUrl() != null ? new RemoteJwks(config.jwksUrl(), config.jwksRefresh(), Clock.systemUTC())
                    : JwksKeys.load(config.jwksFile());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalStateException(ApiConfig.PREFIX + (config.jwksUrl() != null ? "JWKS_URL: " : "JWKS_FILE: ")
                    + e.getMessage(), e);
        }
        JwtVerifier verifier = new JwtVerifier(keys, config.issuer(), config.audience(),
                config.clockSkew(), config.userPatientsClaim(), Clock.systemUTC());
        // Concurrent questions share one model call (dynamic batching); the caller still owns the model.
        QueryBatcher queries = new QueryBatcher(embedder, config.queryBatch(), config.queryBatchWait());
        // A repeated question (the same question of many patients) skips the model; hits never wait for a batch.
        QueryCache cache = config.queryCache() > 0 ? new QueryCache(queries, config.queryCache()) : null;
        Embedder questions = cache != null ? cache : queries;
        List<ApiServer.Route> routes = List.of(
                new ApiServer.Route("POST", Pattern.compile("/v1/retrieve"), "POST /v1/retrieve",
                        new RetrieveEndpoint(policy, questions, backend, readers, new RetrieveEndpoint.Limits(
                                config.defaultK(), config.maxK(), config.maxFreshnessWait(), MAX_QUERY_CHARS))),
                new ApiServer.Route("GET", Pattern.compile("/v1/patients/(?<patient>[^/]+)/timeline"),
                        "GET /v1/patients/{patient}/timeline", new TimelineEndpoint(policy, readers)),
                new ApiServer.Route("POST", Pattern.compile("/v1/citations/verify"), "POST /v1/citations/verify",
                        new CitationEndpoint(policy, readers, new RetrievalSets(auditPool))));
        List<ApiServer.Document> docs = new ArrayList<>();
        docs.add(new ApiServer.Document("/openapi.yaml", "application/yaml", resource("/openapi.yaml")));
        if (config.demoPage()) {
            docs.add(new ApiServer.Document("/", "text/html; charset=utf-8", resource("/static/index.html")));
        }
        ApiServer server = new ApiServer(new ApiServer.Settings(config.host(), config.port(), config.workerThreads(),
                config.maxBodyBytes(), config.auditQueryText(), config.auditUnauthenticatedWindow()), routes, docs,
                verifier,
                new RateLimiter(config.ratePerSecond(), config.rateBurst(), System::nanoTime), audit, registry);
        ApiMetrics.bind(registry, server, cache);
        return new RetrievalApiApp(server, readers, auditPool, audit, queries);
    }

    private static void check(ConnectionFactory login, String setting, boolean deid, List<String> problems)
            throws SQLException {
        try (Connection c = login.open()) {
            String p = LoginCheck.problem(c, setting, deid);
            if (p != null) {
                problems.add(p);
            }
        }
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = RetrievalApiApp.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return in.readAllBytes();
        }
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
        queries.close();
        try {
            audit.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        readers.close();
        auditPool.close();
    }
}
