package org.ehrflow.sink.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import org.ehrflow.runtime.Secret;
import org.ehrflow.sink.error.SinkFatalException;
import org.ehrflow.sink.error.TransientException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** OpenAiEmbedder against a fake OpenAI-compatible server on 127.0.0.1 (ephemeral port) scripted per test. */
@Timeout(30)
class OpenAiEmbedderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DIMS = 4;

    private HttpServer server;
    /** Status codes to answer, in order; 200 once the script is used up. */
    private final ConcurrentLinkedDeque<Integer> script = new ConcurrentLinkedDeque<>();
    /** Request bodies and Authorization headers as received. */
    private final List<JsonNode> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<String> auth = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newSingleThreadExecutor());
        server.createContext("/v1/embeddings", ex -> {
            JsonNode req = JSON.readTree(ex.getRequestBody());
            requests.add(req);
            auth.add(ex.getRequestHeaders().getFirst("Authorization"));
            Integer status = script.pollFirst();
            byte[] body;
            if (status == null || status == 200) {
                status = 200;
                StringBuilder sb = new StringBuilder("{\"object\":\"list\",\"data\":[");
                // Answer in reverse order: the client must place vectors by "index".
                for (int i = req.get("input").size() - 1; i >= 0; i--) {
                    int len = req.get("input").get(i).asText().length();
                    sb.append("{\"object\":\"embedding\",\"index\":").append(i).append(",\"embedding\":[")
                            .append(len).append(",0,0,0]}").append(i > 0 ? "," : "");
                }
                body = sb.append("],\"model\":\"fake\"}").toString().getBytes(StandardCharsets.UTF_8);
            } else {
                body = "{\"error\":{\"message\":\"scripted\"}}".getBytes(StandardCharsets.UTF_8);
                if (status == 429) {
                    ex.getResponseHeaders().add("Retry-After", "0");
                }
            }
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private OpenAiEmbedder embedder(int batch, int attempts) {
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
        return new OpenAiEmbedder(new HttpEmbedderSettings(base, "fake-embed-1", DIMS, true, new Secret("sk-test"),
                Duration.ofSeconds(5), attempts, Duration.ofMillis(10), Duration.ofMillis(50), batch));
    }

    @Test
    void batchesRequestsAndPlacesVectorsByIndex() {
        List<float[]> v = embedder(2, 3).embed(List.of("a", "bb", "ccc"));
        assertThat(requests).hasSize(2); // 2 texts + 1 text
        assertThat(requests.get(0).get("model").asText()).isEqualTo("fake-embed-1");
        assertThat(requests.get(0).get("dimensions").asInt()).isEqualTo(DIMS);
        assertThat(requests.get(0).get("input")).hasSize(2);
        assertThat(auth).containsOnly("Bearer sk-test");
        assertThat(v).hasSize(3).allSatisfy(x -> assertThat(x).hasSize(DIMS).containsExactly(1f, 0f, 0f, 0f));
    }

    @Test
    void retriesA429ThenSucceeds() {
        script.add(429);
        assertThat(embedder(8, 3).embed(List.of("x"))).hasSize(1);
        assertThat(requests).hasSize(2);
    }

    @Test
    void retriesA500ThenSucceeds() {
        script.add(500);
        script.add(503);
        assertThat(embedder(8, 3).embed(List.of("x", "y"))).hasSize(2);
        assertThat(requests).hasSize(3);
    }

    @Test
    void a401StopsAtOnceNamingTheApiKeySetting() {
        script.add(401);
        assertThatThrownBy(() -> embedder(8, 5).embed(List.of("x")))
                .isInstanceOf(SinkFatalException.class).hasMessageContaining("HTTP 401")
                .hasMessageContaining("EHRFLOW_SINK_EMBED_API_KEY");
        assertThat(requests).as("no retry of a 401").hasSize(1);
    }

    @Test
    void a400IsNotRetried() {
        script.add(400);
        assertThatThrownBy(() -> embedder(8, 5).embed(List.of("x")))
                .isInstanceOf(SinkFatalException.class).hasMessageContaining("EHRFLOW_SINK_EMBED_MODEL");
        assertThat(requests).hasSize(1);
    }

    @Test
    void exhaustedRetriesAreATransientFaultNotAPoisonRecord() {
        for (int i = 0; i < 3; i++) {
            script.add(502);
        }
        assertThatThrownBy(() -> embedder(8, 3).embed(List.of("x")))
                .isInstanceOf(TransientException.class).hasMessageContaining("HTTP 502");
        assertThat(requests).hasSize(3);
    }

    @Test
    void anIoErrorIsRetried() {
        int port = server.getAddress().getPort();
        server.stop(0); // nothing listens: connection refused on every attempt
        OpenAiEmbedder e = new OpenAiEmbedder(new HttpEmbedderSettings(URI.create("http://127.0.0.1:" + port + "/v1"),
                "m", DIMS, false, new Secret(""), Duration.ofSeconds(2), 2, Duration.ofMillis(10),
                Duration.ofMillis(20), 8));
        assertThatThrownBy(() -> e.embed(List.of("x"))).isInstanceOf(TransientException.class)
                .hasMessageContaining("failed 2 times");
    }

    @Test
    void settingsNeverPrintTheKey() {
        assertThat(embedder(8, 1).toString()).doesNotContain("sk-test");
        assertThat(HttpEmbedderSettings.of(URI.create("http://h/v1"), "m", new Secret("sk-test")).toString())
                .doesNotContain("sk-test");
    }
}
