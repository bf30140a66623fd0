package org.ehrflow.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.DlqHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RuntimeTest {

    @Test
    void configCollectsEveryProblemAndNamesTheKeys() {
        ConfigReader r = new ConfigReader(Map.of("X_PORT", "abc", "X_BATCH", "0", "X_LINGER", "soon"), "X_");
        r.integer("PORT", 2575, 1, 65535);
        r.integer("BATCH", 32, 1, 1024);
        r.duration("LINGER", Duration.ofMillis(5), Duration.ZERO, Duration.ofSeconds(5));
        r.requiredString("URL");
        assertThatThrownBy(r::validate).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                .containsExactly("X_PORT must be an integer", "X_BATCH must be between 1 and 1024 (was 0)",
                        "X_LINGER must be a duration (PT2S or milliseconds)", "X_URL is required"));
    }

    @Test
    void kafkaPassThroughMasksSecrets() {
        KafkaSettings k = KafkaSettings.read(Map.of("EHRFLOW_KAFKA_BOOTSTRAP_SERVERS", "b:9092",
                "EHRFLOW_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "EHRFLOW_KAFKA_SASL_JAAS_CONFIG", "user pass"));
        assertThat(k.clientProps()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("bootstrap.servers", "b:9092");
        assertThat(k.toString()).doesNotContain("pass").contains("******");
        assertThat(new Secret("hunter2").toString()).isEqualTo("******");
    }

    @Test
    void deadLetterCarriesCodesNotMessages() {
        Exception parserError = new IllegalArgumentException("PID|||123||DOE^JOHN is bad");
        DeadLetter dl = DeadLetters.of("fhir-normalizer", "HL7_PARSE_ERROR", parserError, "ehr.raw.hl7v2.v1", 1, 7,
                "MSG1", "PID|||123||DOE^JOHN".getBytes(StandardCharsets.UTF_8));
        ProducerRecord<String, DeadLetter> rec = DeadLetters.record("pk_x", dl);
        assertThat(rec.topic()).isEqualTo("ehr.dlq.fhir-normalizer.v1");
        assertThat(new String(rec.headers().lastHeader(DlqHeaders.REASON).value(), StandardCharsets.UTF_8))
                .isEqualTo("HL7_PARSE_ERROR");
        assertThat(dl.errorClass()).isEqualTo("IllegalArgumentException");
        rec.headers().forEach(h -> assertThat(new String(h.value(), StandardCharsets.UTF_8)).doesNotContain("DOE"));
    }

    @Test
    void logHashIsStableAndOpaque() {
        assertThat(LogSafe.hash("pk_abc")).isEqualTo(LogSafe.hash("pk_abc")).hasSize(12).doesNotContain("abc");
    }

    @Test
    @Timeout(30)
    void opsEndpointServesMetricsHealthAndReadiness() throws Exception {
        try (OpsEndpoint ep = OpsEndpoint.start("test-app", "127.0.0.1", 0)) {
            ep.registry().counter("ehrflow_test_total").increment();
            HttpClient http = HttpClient.newHttpClient();
            assertThat(get(http, ep, "/metrics").body()).contains("ehrflow_test_total").contains("app=\"test-app\"");
            assertThat(get(http, ep, "/health").statusCode()).isEqualTo(200);
            assertThat(get(http, ep, "/ready").statusCode()).as("not ready before the app says so").isEqualTo(503);
            ep.readiness(() -> true);
            assertThat(get(http, ep, "/ready").statusCode()).isEqualTo(200);
            ep.readiness(() -> false);
            assertThat(get(http, ep, "/ready").statusCode()).isEqualTo(503);
        }
    }

    private static HttpResponse<String> get(HttpClient http, OpsEndpoint ep, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ep.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
