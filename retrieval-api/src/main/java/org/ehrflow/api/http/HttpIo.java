package org.ehrflow.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** Reading requests and writing replies on the JDK server: body limits, query strings, JSON and problems. */
final class HttpIo {

    private HttpIo() {
    }

    /** The body as a JSON object, refused (415, 413, 400) by fixed texts that never quote it. */
    static JsonNode readJson(HttpExchange ex, int maxBodyBytes) throws ApiException, IOException {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "send application/json");
        }
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null && length.chars().allMatch(Character::isDigit) && length.length() < 12
                && Long.parseLong(length) > maxBodyBytes) {
            throw new ApiException(413, "body_too_large", "the body exceeds " + maxBodyBytes + " bytes");
        }
        byte[] bytes;
        try (InputStream in = ex.getRequestBody()) {
            bytes = in.readNBytes(maxBodyBytes + 1);
        }
        if (bytes.length > maxBodyBytes) {
            throw new ApiException(413, "body_too_large", "the body exceeds " + maxBodyBytes + " bytes");
        }
        try {
            JsonNode n = Json.MAPPER.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw ApiException.badRequest("body_invalid", "the body must be a JSON object");
            }
            return n;
        } catch (IOException e) {
            // the parser's message can quote the body: never passed on
            throw ApiException.badRequest("body_invalid", "the body is not valid JSON");
        }
    }

    static Map<String, String> queryParams(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }

    static void sendProblem(HttpExchange ex, ApiException e, UUID id) throws IOException {
        send(ex, e.status(), Problem.CONTENT_TYPE, Json.MAPPER.writeValueAsBytes(
                Problem.of(e.status(), e.reason(), e.detail(), id)));
    }

    static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        if ("HEAD".equals(ex.getRequestMethod())) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
