package org.ehrflow.gateway.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ehrflow.gateway.fhir.FhirCodec;
import org.ehrflow.gateway.fhir.FhirFormat;
import org.ehrflow.gateway.ingest.Reply;

/** Reading requests from and writing FHIR replies to the JDK server's exchanges. */
final class ExchangeIo {

    /** Thrown when a body exceeds the limit; the reply is 413 and the connection is closed. */
    static final class TooLarge extends IOException {
        TooLarge() {
            super("request body over the limit");
        }
    }

    private ExchangeIo() {
    }

    /** The body, at most {@code limit} bytes (a larger Content-Length is refused before reading). */
    static byte[] body(HttpExchange ex, int limit) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        long length = -1;
        if (declared != null) {
            try {
                length = Long.parseLong(declared.strip());
            } catch (NumberFormatException e) {
                throw new IOException("bad Content-Length");
            }
            if (length > limit) {
                throw new TooLarge();
            }
        }
        try (InputStream in = ex.getRequestBody()) {
            if (length >= 0) {
                // The common case: read straight into an array of the declared size (no buffer, no copy).
                byte[] body = new byte[(int) length];
                if (in.readNBytes(body, 0, body.length) < length) {
                    throw new IOException("body shorter than its Content-Length");
                }
                return body;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (out.size() + n > limit) {
                    throw new TooLarge();
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    /**
     * Reads and discards what is left of a body we answer without (401, 413) so the client can read the answer on
     * a clean connection; returns false (close the connection) when more than {@code cap} bytes remain.
     */
    static boolean discard(HttpExchange ex, long cap) {
        try (InputStream in = ex.getRequestBody()) {
            byte[] buf = new byte[16 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buf)) >= 0) {
                total += n;
                if (total > cap) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Path segments below {@code base}, or null if the path is not under it. */
    static List<String> segments(String rawPath, String base) {
        if (!rawPath.startsWith(base)) {
            return null;
        }
        String rest = rawPath.substring(base.length());
        if (!rest.isEmpty() && !rest.startsWith("/")) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String s : rest.split("/")) {
            if (!s.isEmpty()) {
                out.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static Map<String, String> query(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }

    /** XML if the client asked for it ({@code _format} or Accept), else JSON. */
    static FhirFormat responseFormat(HttpExchange ex, Map<String, String> query) {
        String f = query.get("_format");
        String accept = ex.getRequestHeaders().getFirst("Accept");
        String wanted = (f != null ? f : accept == null ? "" : accept).toLowerCase(Locale.ROOT);
        return wanted.contains("xml") && !wanted.contains("json") ? FhirFormat.XML : FhirFormat.JSON;
    }

    static void send(HttpExchange ex, Reply reply, FhirFormat format, boolean close) throws IOException {
        reply.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        if (close) {
            ex.getResponseHeaders().set("Connection", "close");
        }
        if (reply.body() == null) {
            ex.sendResponseHeaders(reply.status(), -1);
            ex.close();
            return;
        }
        byte[] bytes = FhirCodec.encode(reply.body(), format).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", (format == FhirFormat.XML ? "application/fhir+xml"
                : "application/fhir+json") + ";charset=utf-8");
        ex.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
