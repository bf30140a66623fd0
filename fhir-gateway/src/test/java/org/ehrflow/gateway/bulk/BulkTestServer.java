package org.ehrflow.gateway.bulk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal Bulk Data server written for these tests (no Bulk Data server runs inside the test JVM here). It
 * answers exactly as the Bulk Data Access IG's examples show the asynchronous pattern:
 * <ul>
 *   <li>kick-off {@code GET [base]/Patient/$export} with {@code Accept: application/fhir+json} and
 *   {@code Prefer: respond-async}: {@code 202 Accepted}, {@code Content-Location} = the status URL;</li>
 *   <li>status {@code GET}: {@code 202 Accepted} with {@code X-Progress} and {@code Retry-After} while in progress,
 *   then {@code 200 OK}, {@code Content-Type: application/json}, {@code Expires}, and the manifest
 *   ({@code transactionTime}, {@code request}, {@code requiresAccessToken}, {@code output[type,url]},
 *   {@code error});</li>
 *   <li>output files: {@code 200 OK}, {@code Content-Type: application/fhir+ndjson};</li>
 *   <li>{@code DELETE} of the status URL: {@code 202 Accepted}.</li>
 * </ul>
 * Files are given per export: the first export serves {@code full}, later ones ({@code _since}) {@code incremental}.
 */
final class BulkTestServer implements AutoCloseable {

    final HttpServer server;
    final List<String> kickoffs = new CopyOnWriteArrayList<>();
    final List<String> deletes = new CopyOnWriteArrayList<>();
    final AtomicInteger statusPolls = new AtomicInteger();
    private final Map<String, Path> full;
    private final Map<String, String> incremental;
    private final Map<Integer, Boolean> polledOnce = new ConcurrentHashMap<>();
    private final AtomicInteger exports = new AtomicInteger();
    static final String TOKEN = "bulk-source-token-0123456789";
    /** Full-export files are streamed with a pause after every {@code slowEvery} lines (0: at full speed). */
    private volatile int slowEvery;
    private volatile int slowMillis;
    static final String[] TRANSACTION_TIMES = {"2026-12-01T00:00:00Z", "2026-12-05T00:00:00Z"};

    BulkTestServer(Map<String, Path> full, Map<String, String> incremental) throws IOException {
        this.full = full;
        this.incremental = incremental;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/fhir/Patient/$export", this::kickoff);
        server.createContext("/status/", this::status);
        server.createContext("/files/", this::file);
        server.start();
    }

    /** Streams full-export files slowly, so a test can kill the reading process in the middle of one. */
    BulkTestServer slow(int everyLines, int pauseMillis) {
        this.slowEvery = everyLines;
        this.slowMillis = pauseMillis;
        return this;
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private boolean authorized(HttpExchange ex) throws IOException {
        if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, 401, "application/fhir+json", "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":"
                    + "\"error\",\"code\":\"login\"}]}", Map.of());
            return false;
        }
        return true;
    }

    private void kickoff(HttpExchange ex) throws IOException {
        if (!authorized(ex)) {
            return;
        }
        if (!"respond-async".equals(ex.getRequestHeaders().getFirst("Prefer"))
                || !"application/fhir+json".equals(ex.getRequestHeaders().getFirst("Accept"))) {
            send(ex, 400, "application/fhir+json", "{\"resourceType\":\"OperationOutcome\"}", Map.of());
            return;
        }
        kickoffs.add(ex.getRequestURI().toString());
        int n = exports.getAndIncrement();
        send(ex, 202, null, "", Map.of("Content-Location", base() + "/status/" + n));
    }

    private void status(HttpExchange ex) throws IOException {
        if (!authorized(ex)) {
            return;
        }
        int n = Integer.parseInt(ex.getRequestURI().getPath().substring("/status/".length()));
        if (ex.getRequestMethod().equals("DELETE")) {
            deletes.add(ex.getRequestURI().getPath());
            send(ex, 202, null, "", Map.of());
            return;
        }
        statusPolls.incrementAndGet();
        if (polledOnce.putIfAbsent(n, true) == null) {
            send(ex, 202, null, "", Map.of("X-Progress", "50% complete", "Retry-After", "1"));
            return;
        }
        StringBuilder out = new StringBuilder();
        Iterable<String> types = n == 0 ? full.keySet() : incremental.keySet();
        for (String type : types) {
            out.append(out.length() == 0 ? "" : ",").append("{\"type\":\"").append(type).append("\",\"url\":\"")
                    .append(base()).append("/files/").append(n).append('/').append(type).append(".ndjson\"}");
        }
        String manifest = "{\"transactionTime\":\"" + TRANSACTION_TIMES[Math.min(n, 1)] + "\",\"request\":\"" + base()
                + kickoffs.get(n) + "\",\"requiresAccessToken\":true,\"output\":[" + out + "],\"error\":[]}";
        send(ex, 200, "application/json", manifest, Map.of("Expires", "Mon, 22 Jul 2030 14:59:59 GMT"));
    }

    private void file(HttpExchange ex) throws IOException {
        if (!authorized(ex)) {
            return;
        }
        String[] parts = ex.getRequestURI().getPath().substring("/files/".length()).split("/");
        int n = Integer.parseInt(parts[0]);
        String type = parts[1].replace(".ndjson", "");
        ex.getResponseHeaders().set("Content-Type", "application/fhir+ndjson");
        ex.sendResponseHeaders(200, 0); // chunked: streamed
        try (OutputStream out = ex.getResponseBody()) {
            if (n == 0 && slowEvery > 0) {
                copySlowly(full.get(type), out);
            } else if (n == 0) {
                Files.copy(full.get(type), out);
            } else {
                out.write(incremental.get(type).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private void copySlowly(Path file, OutputStream out) throws IOException {
        int n = 0;
        for (String line : Files.readAllLines(file)) {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            if (++n % slowEvery == 0) {
                out.flush();
                try {
                    Thread.sleep(slowMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
        }
    }

    private static void send(HttpExchange ex, int status, String type, String body, Map<String, String> headers)
            throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        if (type != null) {
            ex.getResponseHeaders().set("Content-Type", type);
        }
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
