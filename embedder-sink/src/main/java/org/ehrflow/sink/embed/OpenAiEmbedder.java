package org.ehrflow.sink.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ehrflow.embedding.Embedder;
import org.ehrflow.sink.error.SinkFatalException;
import org.ehrflow.sink.error.TransientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link Embedder} over an OpenAI-compatible {@code POST <base>/embeddings} endpoint: batched requests,
 * exponential back-off on 429, 5xx and I/O errors (never on other 4xx), vectors L2-normalised here. A 401/403
 * stops the sink naming the API-key setting; other 4xx stop it naming the model/URL settings. Logs status codes
 * and counts only (the texts are PHI).
 */
public final class OpenAiEmbedder implements Embedder {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiEmbedder.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpEmbedderSettings settings;
    private final URI endpoint;
    private final HttpClient http;

    public OpenAiEmbedder(HttpEmbedderSettings settings) {
        this.settings = settings;
        String base = settings.baseUrl().toString();
        this.endpoint = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/embeddings");
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        List<float[]> out = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += settings.batchSize()) {
            out.addAll(request(texts.subList(from, Math.min(texts.size(), from + settings.batchSize()))));
        }
        return out;
    }

    private List<float[]> request(List<String> texts) {
        byte[] body = body(texts);
        Duration delay = settings.retryInitial();
        String last = null;
        for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
            HttpRequest.Builder rb = HttpRequest.newBuilder(endpoint).timeout(settings.timeout())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (!settings.apiKey().value().isEmpty()) {
                rb.header("Authorization", "Bearer " + settings.apiKey().value());
            }
            Duration wait = delay;
            try {
                HttpResponse<byte[]> resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
                int status = resp.statusCode();
                if (status == 200) {
                    return parse(resp.body(), texts.size());
                }
                if (status == 401 || status == 403) {
                    throw new SinkFatalException("the embedding endpoint refused the credentials (HTTP " + status
                            + "): check EHRFLOW_SINK_EMBED_API_KEY", null);
                }
                if (status != 429 && status < 500) {
                    throw new SinkFatalException("the embedding endpoint rejected the request (HTTP " + status
                            + "): check EHRFLOW_SINK_EMBED_URL / EHRFLOW_SINK_EMBED_MODEL / EHRFLOW_SINK_EMBED_DIMENSIONS",
                            null);
                }
                last = "HTTP " + status;
                wait = retryAfter(resp, delay);
            } catch (IOException e) {
                last = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransientException("interrupted while calling the embedding endpoint", e);
            }
            if (attempt < settings.maxAttempts()) {
                LOG.warn("embedding endpoint: {} on attempt {} of {} ({} texts); retrying in {} ms", last, attempt,
                        settings.maxAttempts(), texts.size(), wait.toMillis());
                sleep(wait);
                Duration doubled = delay.multipliedBy(2);
                delay = doubled.compareTo(settings.retryMax()) > 0 ? settings.retryMax() : doubled;
            }
        }
        throw new TransientException("the embedding endpoint failed " + settings.maxAttempts() + " times (last: "
                + last + ")", null);
    }

    private byte[] body(List<String> texts) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", settings.model());
        ArrayNode input = root.putArray("input");
        texts.forEach(input::add);
        root.put("encoding_format", "float");
        if (settings.sendDimensions()) {
            root.put("dimensions", settings.dimensions());
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the request", e);
        }
    }

    private List<float[]> parse(byte[] body, int expected) {
        JsonNode data;
        try {
            data = JSON.readTree(body).path("data");
        } catch (IOException e) {
            throw new TransientException("the embedding endpoint answered 200 with a body that is not JSON", e);
        }
        if (!data.isArray() || data.size() != expected) {
            throw new TransientException("the embedding endpoint returned " + data.size() + " vectors for "
                    + expected + " texts", null);
        }
        float[][] out = new float[expected][];
        for (int i = 0; i < expected; i++) {
            JsonNode item = data.get(i);
            int index = item.path("index").asInt(i); // the API may reorder; index says where each belongs
            JsonNode emb = item.path("embedding");
            if (index < 0 || index >= expected || emb.size() != settings.dimensions()) {
                throw new SinkFatalException("the embedding endpoint returned a vector of " + emb.size()
                        + " dimensions (index " + index + "): check EHRFLOW_SINK_EMBED_DIMENSIONS / "
                        + "EHRFLOW_SINK_EMBED_MODEL", null);
            }
            float[] v = new float[emb.size()];
            double norm = 0;
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) emb.get(j).asDouble();
                norm += v[j] * v[j];
            }
            float scale = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 1f;
            for (int j = 0; j < v.length; j++) {
                v[j] *= scale;
            }
            out[index] = v;
        }
        return List.of(out);
    }

    private Duration retryAfter(HttpResponse<?> resp, Duration fallback) {
        return resp.headers().firstValue("Retry-After").map(s -> {
            try {
                Duration d = Duration.ofSeconds(Long.parseLong(s.trim()));
                return d.compareTo(settings.retryMax()) > 0 ? settings.retryMax() : d;
            } catch (NumberFormatException e) {
                return fallback; // an HTTP date: use our own back-off
            }
        }).orElse(fallback);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException("interrupted while backing off", e);
        }
    }

    @Override
    public String modelName() {
        return settings.model();
    }

    @Override
    public int dimensions() {
        return settings.dimensions();
    }

    @Override
    public void close() {
        // HttpClient (Java 17) holds no resources that outlive its requests.
    }
}
