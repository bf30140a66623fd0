package org.ehrflow.ops.status;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.ehrflow.runtime.HttpServers;

/** Serves the status page at {@code /} on its own port (the shared ops endpoint has no room for extra paths). */
public final class StatusServer implements AutoCloseable {

    private final HttpServer server;

    private StatusServer(HttpServer server) {
        this.server = server;
    }

    /** Starts serving {@code page} (rendered per request) on {@code host:port}; port 0 picks a free port. */
    public static StatusServer start(String host, int port, Supplier<String> page) {
        try {
            HttpServer server = HttpServers.http(new InetSocketAddress(host, port), 0);
            server.createContext("/", ex -> {
                boolean root = ex.getRequestURI().getPath().equals("/");
                byte[] body = (root ? page.get() : "not found\n").getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", root ? "text/html; charset=utf-8" : "text/plain");
                ex.getResponseHeaders().set("Cache-Control", "no-store");
                ex.sendResponseHeaders(root ? 200 : 404, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            });
            server.setExecutor(Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "ops-status-http");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            return new StatusServer(server);
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind status page on " + host + ":" + port, e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
