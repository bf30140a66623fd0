package org.ehrflow.gateway.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ehrflow.gateway.auth.Client;
import org.ehrflow.gateway.auth.ClientRegistry;
import org.ehrflow.gateway.fhir.FhirCodec;
import org.ehrflow.gateway.fhir.FhirFormat;
import org.ehrflow.gateway.ingest.FhirRequest;
import org.ehrflow.gateway.ingest.PatientIndex;
import org.ehrflow.gateway.ingest.Plan;
import org.ehrflow.gateway.ingest.RawRecord;
import org.ehrflow.gateway.ingest.Replies;
import org.ehrflow.gateway.ingest.Reply;
import org.ehrflow.gateway.ingest.RequestPlanner;
import org.ehrflow.gateway.publish.GatewayPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FHIR base's HTTP handler: bounded body read, bearer authentication, the pure planner, then the publish and
 * the answer. A 2xx is written only after the broker acknowledged every record of the request. Logs carry method,
 * resource type, status, record count and duration; never ids, bodies or tokens.
 */
public final class FhirHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(FhirHandler.class);

    /** What the handler needs from the app. */
    public record Settings(String basePath, int maxBodyBytes, Duration ackDeadline, int retryAfterSeconds) {
    }

    private final Settings settings;
    private final ClientRegistry clients;
    private final RequestPlanner planner;
    private final GatewayPublisher publisher;
    private final PatientIndex index;
    private final GatewayMetrics metrics;

    FhirHandler(Settings settings, ClientRegistry clients, RequestPlanner planner, GatewayPublisher publisher,
            PatientIndex index, GatewayMetrics metrics) {
        this.settings = settings;
        this.clients = clients;
        this.planner = planner;
        this.publisher = publisher;
        this.index = index;
        this.metrics = metrics;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        long start = System.nanoTime();
        String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
        Map<String, String> query = ExchangeIo.query(ex.getRequestURI().getRawQuery());
        FhirFormat format = ExchangeIo.responseFormat(ex, query);
        List<String> path = ExchangeIo.segments(ex.getRequestURI().getRawPath(), settings.basePath());
        String interaction = interaction(method, path);
        Reply reply;
        int records = 0;
        boolean close = false;
        try {
            if (path == null) {
                drain(ex);
                reply = Replies.notFound();
            } else if (method.equals("GET") && path.equals(List.of("metadata"))) {
                drain(ex);
                reply = planner.metadata();
            } else {
                Optional<Client> client = clients.authenticate(ex.getRequestHeaders().getFirst("Authorization"));
                if (client.isEmpty()) {
                    // A bounded drain keeps the connection usable for the 401; anything bigger is not read.
                    close = !ExchangeIo.discard(ex, settings.maxBodyBytes());
                    reply = Replies.unauthorized();
                } else {
                    byte[] body = ExchangeIo.body(ex, settings.maxBodyBytes());
                    FhirRequest req = FhirRequest.ofBytes(method, path, query,
                            ex.getRequestHeaders().getFirst("Content-Type"), body, client.get());
                    Plan plan = planner.plan(req);
                    if (plan instanceof Plan.Publish p) {
                        records = p.records().size();
                        reply = publish(p);
                    } else {
                        reply = ((Plan.Answer) plan).reply();
                    }
                }
            }
        } catch (ExchangeIo.TooLarge e) {
            // Up to twice the limit is drained so the client reads the 413; beyond that the connection closes.
            close = !ExchangeIo.discard(ex, 2L * settings.maxBodyBytes());
            reply = Replies.tooLarge(settings.maxBodyBytes());
        } catch (IOException e) {
            close = true;
            reply = Replies.badRequest("the request could not be read");
        } catch (RuntimeException e) {
            LOG.warn("request failed: {} {}", interaction, e.getClass().getName());
            reply = Replies.internal(e.getClass().getSimpleName());
        }
        try {
            ExchangeIo.send(ex, absoluteLocation(ex, reply), format, close);
        } finally {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            metrics.request(interaction, reply.status(), records, took);
            LOG.debug("{} -> {} ({} records, {} ms)", interaction, reply.status(), records, took.toMillis());
            if (close) {
                ex.close();
            }
        }
    }

    private Reply publish(Plan.Publish p) {
        try {
            publisher.publishAll(p.records())
                    .get(settings.ackDeadline().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Replies.unavailable(settings.retryAfterSeconds());
        } catch (ExecutionException | TimeoutException e) {
            GatewayPublisher.Failure f = GatewayPublisher.classify(e);
            LOG.warn("publish failed: {} ({} records) -> {}", rootName(e), p.records().size(), f);
            return switch (f) {
                case UNAVAILABLE -> Replies.unavailable(settings.retryAfterSeconds());
                case TOO_LARGE -> Replies.tooLarge(settings.maxBodyBytes());
                case FATAL -> Replies.internal(rootName(e));
            };
        }
        for (RawRecord r : p.records()) {
            index.learn(r);
        }
        p.afterAck().run();
        return p.onAck();
    }

    /** Location headers are answered absolute: clients resolve them against the base they called. */
    private Reply absoluteLocation(HttpExchange ex, Reply reply) {
        String loc = reply.headers().get("Location");
        if (loc == null || loc.startsWith("http")) {
            return reply;
        }
        String host = ex.getRequestHeaders().getFirst("Host");
        String scheme = ex instanceof com.sun.net.httpserver.HttpsExchange ? "https" : "http";
        Map<String, String> h = new LinkedHashMap<>(reply.headers());
        h.put("Location", scheme + "://" + (host == null ? "localhost" : host) + settings.basePath() + "/" + loc);
        return new Reply(reply.status(), h, reply.body());
    }

    private static void drain(HttpExchange ex) throws IOException {
        ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
    }

    private static String rootName(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName();
    }

    /** A label without ids: "POST transaction/batch", "PUT Patient", "DELETE Observation", ... */
    private static String interaction(String method, List<String> path) {
        if (path == null) {
            return method + " other";
        }
        if (path.isEmpty()) {
            return method + " base";
        }
        String first = path.get(0);
        boolean known = first.startsWith("$") || first.equals("metadata")
                || FhirCodec.isResourceType(first);
        return method + " " + (known ? first : "other");
    }
}
