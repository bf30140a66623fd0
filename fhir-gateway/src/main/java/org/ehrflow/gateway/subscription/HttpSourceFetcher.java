package org.ehrflow.gateway.subscription;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** {@link SourceFetcher} over the JDK HTTP client: {@code GET <url>} as FHIR JSON with the source's bearer token. */
public final class HttpSourceFetcher implements SourceFetcher {

    private final HttpClient http;
    private final Duration timeout;

    public HttpSourceFetcher(Duration timeout) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.timeout = timeout;
    }

    @Override
    public Optional<String> fetch(SubscriptionSource source, String url) throws Unavailable {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Accept", "application/fhir+json").GET();
        if (!source.token().value().isEmpty()) {
            req.header("Authorization", "Bearer " + source.token().value());
        }
        try {
            HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 404 || r.statusCode() == 410) {
                return Optional.empty();
            }
            if (r.statusCode() != 200) {
                throw new Unavailable("source answered " + r.statusCode());
            }
            return Optional.of(r.body());
        } catch (IOException e) {
            throw new Unavailable("source unreachable (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted");
        }
    }
}
