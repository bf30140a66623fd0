package org.ehrflow.demo.sources;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.ehrflow.gateway.GatewayApp;
import org.ehrflow.gateway.GatewayConfig;
import org.ehrflow.gateway.auth.Client;
import org.ehrflow.gateway.auth.ClientRegistry;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.ehrflow.schemas.Json;

/**
 * The demo's FHIR source through the REST path (issue 13): an in-process fhir-gateway, and each document sent as an
 * EHR would: a transaction or batch Bundle to the base, a single resource with {@code PUT [type]/[id]} (or
 * {@code POST [type]} without an id). The client id is the publisher's former source name, so provenance reads the
 * same as before.
 */
public final class FhirRestSender implements AutoCloseable {

    private static final String TOKEN = "demo-gateway-token-0123456789";

    private final GatewayApp gateway;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public FhirRestSender(KafkaSettings kafka, String clientId) {
        this.gateway = GatewayApp.start(GatewayConfig.defaults(kafka, List.of(new ClientRegistry.Entry(
                new Client(clientId, Set.of(Client.ANY_TYPE)), new Secret(TOKEN)))).withPort(0),
                new SimpleMeterRegistry());
    }

    public String baseUrl() {
        return gateway.baseUrl();
    }

    /** Sends one JSON document; returns the HTTP status the gateway answered. */
    public int send(String json) throws IOException, InterruptedException {
        JsonNode root = Json.MAPPER.readTree(json);
        String type = root.path("resourceType").asText();
        String id = root.path("id").asText("");
        String path;
        String method;
        if (type.equals("Bundle")) {
            path = "";
            method = "POST";
        } else if (id.isEmpty()) {
            path = "/" + type;
            method = "POST";
        } else {
            path = "/" + type + "/" + id;
            method = "PUT";
        }
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/fhir+json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)).build(),
                        HttpResponse.BodyHandlers.discarding());
        return r.statusCode();
    }

    /** Counts by status, for the demo's output. */
    public static void count(Map<Integer, Integer> byStatus, int status) {
        byStatus.merge(status, 1, Integer::sum);
    }

    public static Map<Integer, Integer> newCounts() {
        return new TreeMap<>();
    }

    @Override
    public void close() {
        gateway.close();
    }
}
