package org.ehrflow.runtime;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The one way the apps create the JDK's HTTP server, so that every server answers without Nagle's delay.
 *
 * <p>Why: the JDK server writes a response's headers and body in separate writes and, by default, leaves Nagle's
 * algorithm on. A body written while the headers' segment is unacknowledged then waits for the client's delayed ACK
 * (40 ms on Linux): measured on the gateway, 8 keep-alive clients posting Bundles got 0.16 of the direct producer's
 * throughput with it and 0.45 without it, and single POSTs' p99 fell from 48 ms to 9.5 ms (BENCHMARKS.md). The
 * server reads {@value #NODELAY} once, when its first instance is created, so this class sets it before it creates
 * any server; an operator's explicit {@code -D} setting is kept.
 */
public final class HttpServers {

    /** The JDK server's switch for {@code TCP_NODELAY} on accepted connections ({@code sun.net.httpserver}). */
    public static final String NODELAY = "sun.net.httpserver.nodelay";

    static {
        if (System.getProperty(NODELAY) == null) {
            System.setProperty(NODELAY, "true");
        }
    }

    private HttpServers() {
    }

    /** A plain HTTP server bound to {@code addr}, not started. */
    public static HttpServer http(InetSocketAddress addr, int backlog) throws IOException {
        return HttpServer.create(addr, backlog);
    }

    /** An HTTPS server bound to {@code addr}, not started; the caller sets its configurator. */
    public static HttpsServer https(InetSocketAddress addr, int backlog) throws IOException {
        return HttpsServer.create(addr, backlog);
    }
}
