package org.ehrflow.api.auth;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys from the identity provider's JWKS URL: fetched at start (failing start-up if unreachable), refreshed every
 * {@code refresh}, and also when a token names an unknown {@code kid} (key rotation), at most once per
 * {@link #MIN_REFETCH} so tokens with invented key ids cannot make the API hammer the provider. A failed refresh
 * keeps the last good keys.
 */
public final class RemoteJwks implements KeySource {

    static final Duration MIN_REFETCH = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(RemoteJwks.class);

    private final URI uri;
    private final Duration refresh;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile JwksKeys keys;
    private volatile Instant fetchedAt;

    public RemoteJwks(URI uri, Duration refresh, Clock clock) {
        this.uri = uri;
        this.refresh = refresh;
        this.clock = clock;
        this.keys = fetch();
        this.fetchedAt = clock.instant();
    }

    @Override
    public JwksKeys.Key find(String kid) {
        Instant now = clock.instant();
        if (now.isAfter(fetchedAt.plus(refresh))) {
            refetch(now);
        }
        JwksKeys.Key k = keys.find(kid);
        if (k == null && now.isAfter(fetchedAt.plus(MIN_REFETCH))) {
            refetch(now);
            k = keys.find(kid);
        }
        return k;
    }

    private synchronized void refetch(Instant now) {
        if (!now.isAfter(fetchedAt.plus(MIN_REFETCH))) {
            return; // another thread just did
        }
        fetchedAt = now;
        try {
            keys = fetch();
        } catch (IllegalStateException e) {
            LOG.warn("JWKS refresh failed ({}); keeping the last keys", e.getMessage());
        }
    }

    private JwksKeys fetch() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("JWKS URL answered HTTP " + r.statusCode());
            }
            return JwksKeys.parse(r.body());
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("JWKS URL not usable (" + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted fetching the JWKS", e);
        }
    }
}
