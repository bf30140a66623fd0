package org.ehrflow.gateway.ingest;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.ehrflow.gateway.auth.Client;

/**
 * One HTTP request below the FHIR base, as the pure layer sees it. The body is PHI: {@code toString()} omits it.
 * It is kept as received (UTF-8 bytes, which the JSON reader parses directly) and decoded to text once, when a step
 * asks for it.
 */
public final class FhirRequest {

    private final String method;
    private final List<String> path;
    private final Map<String, String> query;
    private final String contentType;
    private final Client client;
    private byte[] bytes;
    private String body;

    /**
     * @param method      HTTP method, upper case
     * @param path        path segments below the base ("Patient", "123"); empty for the base itself
     * @param query       query parameters (first value of each)
     * @param contentType the Content-Type header, or null
     * @param body        the request body as text ("" when none)
     * @param client      the authenticated caller
     */
    public FhirRequest(String method, List<String> path, Map<String, String> query, String contentType,
            String body, Client client) {
        this(method, path, query, contentType, null, body, client);
    }

    private FhirRequest(String method, List<String> path, Map<String, String> query, String contentType,
            byte[] bytes, String body, Client client) {
        this.method = method;
        this.path = List.copyOf(path);
        this.query = Map.copyOf(query);
        this.contentType = contentType;
        this.bytes = bytes;
        this.body = body;
        this.client = client;
    }

    /** A request whose body is the bytes the client sent (FHIR's encoding is UTF-8). */
    public static FhirRequest ofBytes(String method, List<String> path, Map<String, String> query, String contentType,
            byte[] body, Client client) {
        return new FhirRequest(method, path, query, contentType, body, null, client);
    }

    public String method() {
        return method;
    }

    public List<String> path() {
        return path;
    }

    public Map<String, String> query() {
        return query;
    }

    public String contentType() {
        return contentType;
    }

    public Client client() {
        return client;
    }

    /** The body as text (decoded as UTF-8 on first use). */
    public String body() {
        if (body == null) {
            body = new String(bytes, StandardCharsets.UTF_8);
        }
        return body;
    }

    /** The body as UTF-8 bytes. */
    byte[] utf8() {
        if (bytes == null) {
            bytes = body.getBytes(StandardCharsets.UTF_8);
        }
        return bytes;
    }

    @Override
    public String toString() {
        return "FhirRequest[" + method + " /" + String.join("/", path) + ", client=" + client.id() + ", "
                + (body != null ? body.length() + " chars]" : bytes.length + " bytes]");
    }
}
