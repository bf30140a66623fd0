package org.ehrflow.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ehrflow.api.audit.AuditRecord;
import org.ehrflow.api.audit.AuditWriter;
import org.ehrflow.api.auth.AccessPolicy;
import org.ehrflow.api.auth.Caller;
import org.ehrflow.api.auth.JwtVerifier;
import org.ehrflow.runtime.HttpServers;
import org.ehrflow.runtime.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front: routes, bearer authentication, per-client rate limits, body limits, problem documents and one
 * audit record per API request, written before the reply leaves ("no audit, no data"). Static documents (the
 * OpenAPI file, the demo page) are served without a token and are not audited: they carry no patient data.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final Pattern PURPOSE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final long AUDIT_WAIT_MS = 10_000;

    /** A route: method, path pattern with named groups, audit name, handler. */
    public record Route(String method, Pattern path, String name, Endpoint endpoint) {
    }

    /** A static document. */
    public record Document(String path, String contentType, byte[] bytes) {
    }

    /** Everything a request passes through besides its endpoint. */
    public record Settings(String host, int port, int workerThreads, int maxBodyBytes, boolean auditQueryText,
            Duration unauthenticatedWindow) {
    }

    private final HttpServer server;
    private final ExecutorService workers;
    private final List<Route> routes;
    private final Map<String, Document> documents;
    private final JwtVerifier verifier;
    private final RateLimiter limiter;
    private final AuditWriter audit;
    private final Settings settings;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final MeterRegistry registry;
    private final UnauthenticatedAudit unauthenticated;

    public ApiServer(Settings settings, List<Route> routes, List<Document> documents, JwtVerifier verifier,
            RateLimiter limiter, AuditWriter audit, MeterRegistry registry) throws IOException {
        this.settings = settings;
        this.registry = registry;
        this.routes = List.copyOf(routes);
        Map<String, Document> docs = new HashMap<>();
        documents.forEach(d -> docs.put(d.path(), d));
        this.documents = Map.copyOf(docs);
        this.verifier = verifier;
        this.limiter = limiter;
        this.audit = audit;
        // best effort: the count of a window is no request's record, so no request waits for it
        this.unauthenticated = new UnauthenticatedAudit(settings.unauthenticatedWindow(), Clock.systemUTC(),
                r -> audit.append(r).exceptionally(e -> {
                    LOG.error("audit count of unauthenticated requests not written ({})", e.getClass().getSimpleName());
                    return null;
                }), true);
        this.server = HttpServers.http(new InetSocketAddress(settings.host(), settings.port()), 256);
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(settings.workerThreads(), r -> {
            Thread t = new Thread(r, "api-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(workers);
        server.createContext("/", this::dispatch);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void dispatch(HttpExchange ex) throws IOException {
        inFlight.incrementAndGet();
        try {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            Document doc = documents.get(path);
            if (doc != null && ("GET".equals(method) || "HEAD".equals(method))) {
                HttpIo.send(ex, 200, doc.contentType(), doc.bytes());
                return;
            }
            boolean pathKnown = false;
            for (Route r : routes) {
                Matcher m = r.path().matcher(path);
                if (m.matches()) {
                    pathKnown = true;
                    if (r.method().equals(method)) {
                        serve(ex, r, m);
                        return;
                    }
                }
            }
            UUID id = UUID.randomUUID();
            int status = pathKnown ? 405 : 404;
            HttpIo.sendProblem(ex, new ApiException(status, pathKnown ? "method_not_allowed" : "not_found",
                    pathKnown ? "this path does not accept " + method : "no such resource"), id);
        } catch (RuntimeException e) {
            // the path can hold a patient key: the class name only
            LOG.error("unhandled {}", e.getClass().getSimpleName());
            HttpIo.sendProblem(ex, new ApiException(500, "internal_error", "the request failed"), UUID.randomUUID());
        } finally {
            inFlight.decrementAndGet();
            ex.close();
        }
    }

    private void serve(HttpExchange ex, Route route, Matcher m) throws IOException {
        UUID requestId = UUID.randomUUID();
        long start = System.nanoTime();
        Instant at = Instant.now();
        Caller caller = null;
        RequestContext ctx = null;
        ObjectNode reply = null;
        ApiException failure = null;
        String purpose = ex.getRequestHeaders().getFirst("X-Purpose-Of-Use");
        try {
            try {
                caller = authenticate(ex);
            } catch (ApiException unauthenticated) {
                // failed logins are limited per address, so a flood of bad tokens cannot flood the audit trail
                long wait = limiter.tryAcquire("addr:" + ex.getRemoteAddress().getAddress().getHostAddress());
                if (wait > 0) {
                    ex.getResponseHeaders().set("Retry-After", Long.toString(wait));
                    throw new ApiException(429, "rate_limited", "too many requests from this address");
                }
                throw unauthenticated;
            }
            long wait = limiter.tryAcquire("client:" + caller.clientId());
            if (wait > 0) {
                ex.getResponseHeaders().set("Retry-After", Long.toString(wait));
                throw new ApiException(429, "rate_limited", "too many requests from this client");
            }
            if (!AccessPolicy.hasAnyScope(caller)) {
                throw ApiException.forbidden("insufficient_scope", "the token has no scope this API serves");
            }
            if (purpose != null && !PURPOSE.matcher(purpose).matches()) {
                purpose = null;
                throw ApiException.badRequest("purpose_of_use_invalid",
                        "X-Purpose-Of-Use must be a code of 1-64 letters, digits or ._:-");
            }
            JsonNode body = "POST".equals(route.method()) ? HttpIo.readJson(ex, settings.maxBodyBytes()) : null;
            ctx = new RequestContext(requestId, route.name(), caller, purpose, body, groups(route.path(), m),
                    HttpIo.queryParams(ex.getRequestURI().getRawQuery()));
            reply = route.endpoint().handle(ctx);
        } catch (ApiException e) {
            failure = e;
        } catch (SQLException e) {
            failure = SqlProblems.of(e);
            LOG.warn("request {} {}: SQLSTATE {} ({})", requestId, route.name(), e.getSQLState(), failure.reason());
        } catch (RuntimeException e) {
            LOG.error("request {} {}: {}", requestId, route.name(), e.getClass().getSimpleName());
            failure = new ApiException(500, "internal_error", "the request failed");
        }
        int status = failure == null ? 200 : failure.status();
        int latency = (int) TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        AuditRecord record = record(at, requestId, route.name(), caller, purpose, ctx, status, failure, latency,
                pathPatient(route, m));
        // refused before authentication: audited alone or counted into the address's window (no data leaves)
        boolean alone = caller != null || failure == null || unauthenticated.admit(
                ex.getRemoteAddress().getAddress().getHostAddress(), route.name(), status);
        try {
            if (alone) {
                audit.append(record).get(AUDIT_WAIT_MS, TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // nothing leaves without its audit record
            LOG.error("request {} {}: audit record not written ({}), answering 503", requestId, route.name(),
                    e.getClass().getSimpleName());
            failure = new ApiException(503, "audit_unavailable", "the audit trail cannot be written; retry later");
            reply = null;
        }
        Timer.builder("ehrflow.api.requests").description("API requests by endpoint, status and reason")
                .tag("endpoint", route.name()).tag("status", Integer.toString(failure == null ? 200 : failure.status()))
                .tag("reason", failure == null ? "none" : failure.reason()).register(registry)
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        LOG.info("request {} {} client={} patient={} status={} reason={} {} ms", requestId, route.name(),
                caller == null ? "-" : caller.clientId(), LogSafe.hash(ctx == null ? null : ctx.patientKey),
                failure == null ? 200 : failure.status(), failure == null ? "-" : failure.reason(), latency);
        if (failure != null) {
            if (failure.status() == 401) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            }
            HttpIo.sendProblem(ex, failure, requestId);
        } else {
            reply.put("request_id", requestId.toString());
            HttpIo.send(ex, 200, "application/json", Json.MAPPER.writeValueAsBytes(reply));
        }
    }

    private Caller authenticate(HttpExchange ex) throws ApiException {
        String h = ex.getRequestHeaders().getFirst("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException(401, "token_missing", "a bearer token is required");
        }
        try {
            return verifier.verify(h.substring(7).trim());
        } catch (JwtVerifier.InvalidToken e) {
            throw new ApiException(401, e.reason(), "the bearer token was not accepted");
        }
    }

    private AuditRecord record(Instant at, UUID id, String endpoint, Caller caller, String purpose,
            RequestContext ctx, int status, ApiException failure, int latency, String pathPatient) {
        String outcome = status < 400 ? "ALLOWED" : status < 500 ? "REFUSED" : "FAILED";
        String query = ctx == null ? null : ctx.query;
        return new AuditRecord(at, id, endpoint, caller == null ? null : caller.clientId(),
                caller == null ? null : caller.userId(), caller == null ? List.of() : new ArrayList<>(caller.scopes()),
                purpose, ctx == null ? pathPatient : ctx.patientKey,
                ctx == null || ctx.textLevel == null ? null : ctx.textLevel.name(),
                audit.chain().queryHash(query), settings.auditQueryText() ? query : null, ctx == null ? null : ctx.k,
                ctx == null || failure != null ? List.of() : ctx.chunkIds,
                ctx == null || failure != null ? List.of() : ctx.resourceRefs,
                ctx == null || failure != null ? 0 : ctx.hitCount, status, outcome,
                failure == null ? null : failure.reason(), latency);
    }

    /**
     * The patient a path names, for the audit of a request refused before its endpoint ran (401, 429): only a
     * well-formed key, so arbitrary path text never reaches the log.
     */
    private static String pathPatient(Route route, Matcher m) {
        if (!route.path().pattern().contains("(?<patient>")) {
            return null;
        }
        String p = URLDecoder.decode(m.group("patient"), StandardCharsets.UTF_8);
        return p.matches("pk_[0-9a-f]{32}") ? p : null;
    }

    private static Map<String, String> groups(Pattern p, Matcher m) {
        Map<String, String> out = new HashMap<>();
        for (String name : List.of("patient")) {
            if (p.pattern().contains("(?<" + name + ">")) {
                out.put(name, URLDecoder.decode(m.group(name), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** Requests being served now (the /ready check and a graceful stop use it). */
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public void close() {
        server.stop(1);
        workers.shutdown();
        unauthenticated.close();
    }
}
