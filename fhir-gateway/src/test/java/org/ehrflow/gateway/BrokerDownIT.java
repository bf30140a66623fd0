package org.ehrflow.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.ehrflow.localstack.EmbeddedKafka;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.TopicAdmin;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away: writes are answered 503 with Retry-After (never 2xx) within the deadline, and what was
 * answered 2xx before is on the topic after a restart on the same log directory.
 */
@Timeout(180)
class BrokerDownIT {

    private static final Duration DEADLINE = Duration.ofMillis(1500);

    @TempDir
    Path dir;

    private static Patient patient(String id) {
        Patient p = new Patient();
        p.setId(id);
        p.addIdentifier().setSystem("http://hospital.example.org/mrn").setValue(id);
        return p;
    }

    @Test
    void noSuccessWhileTheBrokerIsDown() throws Exception {
        Path logDir = dir.resolve("kafka");
        EmbeddedKafka first = EmbeddedKafka.start(logDir);
        KafkaSettings settings = KafkaSettings.of(first.bootstrapServers());
        try (GatewayApp app = GatewayApp.start(GatewayConfig.defaults(settings, GatewayFixture.clients("outage"))
                .withPort(0).withAckDeadline(DEADLINE), new SimpleMeterRegistry())) {
            try {
                TopicAdmin.ensureTopics(settings, 3, (short) 1);
                IGenericClient client = GatewayFixture.hapiClient(app.baseUrl(), GatewayFixture.TOKEN);
                client.update().resource(patient("before-1")).execute();
                assertThat(app.ready()).isTrue();
            } finally {
                first.close();
            }

            // The HAPI client sees a server error, and a plain client sees the 503's headers.
            IGenericClient client = GatewayFixture.hapiClient(app.baseUrl(), GatewayFixture.TOKEN);
            assertThatThrownBy(() -> client.update().resource(patient("during-1")).execute())
                    .isInstanceOfSatisfying(BaseServerResponseException.class,
                            e -> assertThat(e.getStatusCode()).isEqualTo(503));
            long start = System.nanoTime();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(app.baseUrl() + "/Patient/during-2"))
                    .header("Authorization", "Bearer " + GatewayFixture.TOKEN)
                    .header("Content-Type", "application/fhir+json")
                    .PUT(HttpRequest.BodyPublishers.ofString(GatewayFixture.CLIENT_CTX.newJsonParser()
                            .encodeResourceToString(patient("during-2"))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).contains("5");
            assertThat(r.body()).contains("OperationOutcome").contains("transient").doesNotContain("during-2");
            assertThat(took).isLessThan(DEADLINE.plusSeconds(3));
            assertThat(app.ready()).isFalse();
        }

        // Same log dir, fresh broker: the record answered 200 before the outage is there.
        try (EmbeddedKafka second = EmbeddedKafka.start(logDir)) {
            List<GatewayFixture.Raw> raw = GatewayFixture.rawFhir(KafkaSettings.of(second.bootstrapServers()));
            assertThat(raw).extracting(GatewayFixture.Raw::key).contains("fhir-patient:before-1");
        }
    }
}
