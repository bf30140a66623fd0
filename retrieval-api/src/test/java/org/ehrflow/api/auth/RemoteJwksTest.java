package org.ehrflow.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.ehrflow.api.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RemoteJwksTest {

    private final AtomicReference<String> served = new AtomicReference<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger fetches = new AtomicInteger();
    private HttpServer server;

    private URI start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks", ex -> {
            fetches.incrementAndGet();
            byte[] b = served.get().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status.get(), b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void rotatedKeyIsFetchedOnUnknownKidButNotMoreThanOnceAPeriod() throws Exception {
        served.set(new TestTokens().jwks());
        URI uri = start();
        MovingClock clock = new MovingClock();
        RemoteJwks jwks = new RemoteJwks(uri, Duration.ofMinutes(10), clock);
        assertThat(jwks.find("rsa-1")).isNotNull();
        assertThat(fetches.get()).isEqualTo(1);
        // the provider rotates to new keys with new ids
        served.set(new TestTokens().jwks().replace("rsa-1", "rsa-2"));
        assertThat(jwks.find("rsa-2")).as("within the minimum interval: no refetch").isNull();
        assertThat(fetches.get()).isEqualTo(1);
        clock.now = clock.now.plus(RemoteJwks.MIN_REFETCH).plusSeconds(1);
        assertThat(jwks.find("rsa-2")).isNotNull();
        assertThat(fetches.get()).isEqualTo(2);
        assertThat(jwks.find("invented")).isNull();
        assertThat(fetches.get()).as("an invented kid right after a fetch costs nothing").isEqualTo(2);
    }

    @Test
    void failedRefreshKeepsTheLastKeysAndStartFailsWithoutKeys() throws Exception {
        served.set(new TestTokens().jwks());
        URI uri = start();
        MovingClock clock = new MovingClock();
        RemoteJwks jwks = new RemoteJwks(uri, Duration.ofMinutes(1), clock);
        status.set(503);
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        assertThat(jwks.find("ec-1")).isNotNull();
        assertThat(fetches.get()).isEqualTo(2);
        assertThatThrownBy(() -> new RemoteJwks(uri, Duration.ofMinutes(1), clock))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("503");
    }
}
