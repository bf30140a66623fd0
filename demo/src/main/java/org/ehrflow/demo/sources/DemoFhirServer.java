package org.ehrflow.demo.sources;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ehrflow.runtime.HttpServers;

/**
 * A FHIR server that serves only {@code Binary} reads, from memory, on a free local port: the EHR the demo's
 * DocumentReferences point at by {@code attachment.url}. Returns the raw bytes with their content type.
 */
public final class DemoFhirServer implements AutoCloseable {

    private record Blob(String contentType, byte[] data) {
    }

    private final HttpServer server;
    private final Map<String, Blob> binaries = new ConcurrentHashMap<>();

    public DemoFhirServer() {
        try {
            server = HttpServers.http(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/fhir/Binary/", ex -> {
            String id = ex.getRequestURI().getPath().substring("/fhir/Binary/".length());
            Blob b = binaries.get(id);
            if (b == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.getResponseHeaders().add("Content-Type", b.contentType());
                ex.sendResponseHeaders(200, b.data().length);
                ex.getResponseBody().write(b.data());
            }
            ex.close();
        });
        server.start();
    }

    public DemoFhirServer put(String id, String contentType, byte[] data) {
        binaries.put(id, new Blob(contentType, data));
        return this;
    }

    /** The FHIR base URL ({@code http://127.0.0.1:<port>/fhir}). */
    public URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/fhir");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
