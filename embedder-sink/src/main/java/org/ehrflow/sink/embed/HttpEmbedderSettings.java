package org.ehrflow.sink.embed;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.ehrflow.runtime.Secret;

/**
 * Settings of the OpenAI-compatible embedding endpoint ({@code EHRFLOW_SINK_EMBED_*}).
 *
 * @param baseUrl        API base, e.g. {@code https://api.openai.com/v1}; requests go to {@code <base>/embeddings}
 * @param model          model name sent in every request and stored with every row
 * @param dimensions     vector length the endpoint must return (must equal the table's vector column)
 * @param sendDimensions send {@code "dimensions"} in the request (models that can shorten their vectors)
 * @param apiKey         bearer token (masked in logs); empty sends no Authorization header
 * @param timeout        connect and per-request timeout
 * @param maxAttempts    attempts per request before the batch is handed back as a transient fault
 * @param retryInitial   first back-off (doubling, capped by {@code retryMax}; a Retry-After header wins)
 * @param retryMax       back-off cap
 * @param batchSize      texts per request
 */
public record HttpEmbedderSettings(
        URI baseUrl,
        String model,
        int dimensions,
        boolean sendDimensions,
        Secret apiKey,
        Duration timeout,
        int maxAttempts,
        Duration retryInitial,
        Duration retryMax,
        int batchSize) {

    public HttpEmbedderSettings {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(timeout, "timeout");
        if (dimensions < 1 || maxAttempts < 1 || batchSize < 1) {
            throw new IllegalArgumentException("dimensions, maxAttempts and batchSize must be positive");
        }
    }

    /** Defaults around a base URL and model: 384 dimensions, 30 s timeout, 5 attempts, 64 texts per request. */
    public static HttpEmbedderSettings of(URI baseUrl, String model, Secret apiKey) {
        return new HttpEmbedderSettings(baseUrl, model, 384, false, apiKey, Duration.ofSeconds(30), 5,
                Duration.ofMillis(200), Duration.ofSeconds(10), 64);
    }

    /** The same settings with other retry timings (tests). */
    public HttpEmbedderSettings withRetry(int attempts, Duration initial, Duration max) {
        return new HttpEmbedderSettings(baseUrl, model, dimensions, sendDimensions, apiKey, timeout, attempts, initial,
                max, batchSize);
    }

    @Override
    public String toString() {
        return "HttpEmbedderSettings[" + baseUrl + ", model=" + model + ", dimensions=" + dimensions + ", batch="
                + batchSize + ", attempts=" + maxAttempts + ", apiKey=" + apiKey + "]";
    }
}
