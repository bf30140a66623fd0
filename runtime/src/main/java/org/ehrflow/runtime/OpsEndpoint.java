package org.ehrflow.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * Each app's operations endpoint: {@code /metrics} (Prometheus text), {@code /health} (the process is up) and
 * {@code /ready} (it can do its job now, e.g. the producer reaches the broker). Port 0 picks a free port.
 */
public final class OpsEndpoint implements AutoCloseable {

    private final PrometheusMeterRegistry registry;
    private final HttpServer server;
    // Not ready until the app says what ready means (after its start-up): an orchestrator must not route work to
    // a process that is still connecting.
    private volatile BooleanSupplier readiness = () -> false;

    private OpsEndpoint(PrometheusMeterRegistry registry, HttpServer server) {
        this.registry = registry;
        this.server = server;
    }

    /** Starts the endpoint on {@code host:port} with JVM metrics bound and the given common tag {@code app}. */
    public static OpsEndpoint start(String app, String host, int port) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("app", app);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        try {
            HttpServer server = HttpServers.http(new InetSocketAddress(host, port), 0);
            OpsEndpoint ep = new OpsEndpoint(registry, server);
            server.createContext("/metrics", ex -> ep.reply(ex, 200, registry.scrape(), "text/plain; version=0.0.4"));
            server.createContext("/health", ex -> ep.reply(ex, 200, "UP\n", "text/plain"));
            server.createContext("/ready", ex -> {
                boolean ready = ep.isReady();
                ep.reply(ex, ready ? 200 : 503, ready ? "READY\n" : "NOT READY\n", "text/plain");
            });
            server.setExecutor(Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, app + "-ops-http");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            return ep;
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind ops endpoint on " + host + ":" + port, e);
        }
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Sets what "ready" means for this app; until it is called {@code /ready} answers 503. */
    public void readiness(BooleanSupplier check) {
        this.readiness = check;
    }

    public boolean isReady() {
        try {
            return readiness.getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void reply(HttpExchange ex, int status, String body, String contentType) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        registry.close();
    }
}
