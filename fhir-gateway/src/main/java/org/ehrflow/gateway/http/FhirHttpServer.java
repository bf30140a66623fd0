package org.ehrflow.gateway.http;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.ehrflow.gateway.auth.ClientRegistry;
import org.ehrflow.gateway.ingest.PatientIndex;
import org.ehrflow.gateway.ingest.RequestPlanner;
import org.ehrflow.gateway.publish.GatewayPublisher;
import org.ehrflow.runtime.HttpServers;

/**
 * The FHIR endpoint on the JDK's HTTP server (HTTP/1.1 with keep-alive, or HTTPS). Requests run on a bounded
 * worker pool: each worker holds its request until the broker acknowledged, so the pool size caps requests in
 * flight.
 */
public final class FhirHttpServer implements AutoCloseable {

    /** Where and how to listen. {@code tls} null: plain HTTP. */
    public record Listen(String host, int port, int workerThreads, SSLContext tls, List<String> tlsProtocols) {
    }

    private final HttpServer server;
    private final ExecutorService workers;

    private FhirHttpServer(HttpServer server, ExecutorService workers) {
        this.server = server;
        this.workers = workers;
    }

    public static FhirHttpServer start(Listen listen, FhirHandler.Settings settings, ClientRegistry clients,
            RequestPlanner planner, GatewayPublisher publisher, PatientIndex index, GatewayMetrics metrics) {
        AtomicInteger n = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(listen.workerThreads(), r -> {
            Thread t = new Thread(r, "fhir-gateway-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            InetSocketAddress addr = new InetSocketAddress(listen.host(), listen.port());
            HttpServer server;
            if (listen.tls() == null) {
                server = HttpServers.http(addr, 128);
            } else {
                HttpsServer https = HttpServers.https(addr, 128);
                https.setHttpsConfigurator(new HttpsConfigurator(listen.tls()) {
                    @Override
                    public void configure(HttpsParameters params) {
                        SSLParameters p = listen.tls().getDefaultSSLParameters();
                        p.setProtocols(listen.tlsProtocols().toArray(String[]::new));
                        params.setSSLParameters(p);
                    }
                });
                server = https;
            }
            server.createContext(settings.basePath().isEmpty() ? "/" : settings.basePath(),
                    new FhirHandler(settings, clients, planner, publisher, index, metrics));
            server.setExecutor(workers);
            server.start();
            return new FhirHttpServer(server, workers);
        } catch (IOException | RuntimeException e) {
            workers.shutdownNow();
            throw new IllegalStateException("cannot bind the FHIR endpoint on " + listen.host() + ":" + listen.port()
                    + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops accepting, lets requests in flight finish (up to {@code graceSeconds}), then stops the workers. */
    public void close(int graceSeconds) {
        server.stop(graceSeconds);
        workers.shutdown();
        try {
            workers.awaitTermination(graceSeconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(1);
    }
}
