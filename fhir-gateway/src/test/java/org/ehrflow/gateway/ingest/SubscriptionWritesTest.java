package org.ehrflow.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ehrflow.gateway.auth.Client;
import org.ehrflow.gateway.fhir.Capability;
import org.ehrflow.gateway.fhir.FhirCodec;
import org.ehrflow.gateway.subscription.EventLog;
import org.ehrflow.gateway.subscription.SourceFetcher;
import org.ehrflow.gateway.subscription.SubscriptionSource;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.junit.jupiter.api.Test;

/**
 * The rest-hook endpoint with notification Bundles shaped as the Subscriptions Backport IG's R4 examples
 * ({@code src/test/resources/subscriptions}: the IG's full-resource example for Subscription "admission" and the
 * id-only, handshake and heartbeat variants of it).
 */
class SubscriptionWritesTest {

    private static final Client EHR = new Client("ehr", Set.of(Client.ANY_TYPE));
    private static final String ENCOUNTER = "https://example.org/fhir/Encounter/86009987-eabe-42bf-8c02-b112b18cb616";
    private static final String ENCOUNTER_JSON = "{\"resourceType\":\"Encounter\",\"id\":\"86009987-eabe-42bf-8c02-"
            + "b112b18cb616\",\"status\":\"finished\",\"class\":{\"code\":\"VR\"},\"subject\":{\"reference\":"
            + "\"Patient/1599eb66-431a-447c-a3de-6897fad9d00d\"}}";

    private final List<String> fetched = new ArrayList<>();
    private SourceFetcher source = (src, url) -> {
        fetched.add(url);
        return Optional.of(ENCOUNTER_JSON);
    };
    private final EventLog events = new EventLog(1000);

    private RequestPlanner planner() {
        return new RequestPlanner(new FhirCodec(true), new PatientIdentity(PatientKeyResolver.defaults()),
                new PatientIndex(100), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
                Capability.statement("/fhir", Date.from(Instant.EPOCH)),
                List.of(new SubscriptionSource("admission", "https://example.org/fhir", new Secret(""))),
                (src, url) -> source.fetch(src, url), events);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = SubscriptionWritesTest.class.getResourceAsStream("/subscriptions/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Plan notify(String body) {
        return planner().plan(new FhirRequest("POST", List.of("$subscription-notification"), Map.of(),
                "application/fhir+json", body, EHR));
    }

    @Test
    void handshakeAndHeartbeatProduceNothing() throws IOException {
        for (String f : List.of("notification-handshake.json", "notification-heartbeat.json")) {
            Plan p = notify(resource(f));
            assertThat(p).as(f).isInstanceOf(Plan.Answer.class);
            assertThat(((Plan.Answer) p).reply().status()).isEqualTo(200);
        }
    }

    @Test
    void fullResourceEventsUseTheCarriedResource() throws IOException {
        Plan.Publish p = (Plan.Publish) notify(resource("notification-full-resource.json"));
        assertThat(p.records()).hasSize(1);
        RawRecord r = p.records().get(0);
        // The subject is absolute: the key still names the patient.
        assertThat(r.key()).isEqualTo("fhir-patient:1599eb66-431a-447c-a3de-6897fad9d00d");
        assertThat(r.message().payload()).contains("\"status\":\"in-progress\"");
        assertThat(fetched).isEmpty();
    }

    // R4B/R5 shape (Subscriptions R4B): a subscription-notification Bundle with a SubscriptionStatus, which R4's
    // structure definitions do not know; read from JSON, its focus still checked as an R4 write.
    @Test
    void r4bSubscriptionStatusNotificationsAreReadLikeBackportOnes() throws IOException {
        String n = resource("notification-r4b-full-resource.json");
        Plan.Publish p = (Plan.Publish) notify(n);
        assertThat(p.records()).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("fhir-patient:1599eb66-431a-447c-a3de-6897fad9d00d");
            assertThat(r.message().payload()).contains("\"status\":\"in-progress\"");
        });
        p.afterAck().run();
        assertThat(events.highest("admission")).isEqualTo(3);
        assertThat(((Plan.Publish) notify(n)).records()).isEmpty();
        // A heartbeat in that shape: acknowledged, nothing produced.
        Plan beat = notify(n.replace("\"event-notification\"", "\"heartbeat\""));
        assertThat(((Plan.Answer) beat).reply().status()).isEqualTo(200);
        // An event without a number is refused with a coded outcome; so is an R5-only focus (R5's Encounter.class is
        // a list of CodeableConcepts, R4's a Coding): the endpoint ingests R4 resources.
        Plan noNumber = notify(n.replace("\"eventNumber\": \"3\",", ""));
        assertThat(((Plan.Answer) noNumber).reply().status()).isEqualTo(422);
        Plan badFocus = notify(n.replace("\"eventNumber\": \"3\"", "\"eventNumber\": \"4\"")
                .replace("\"class\": {", "\"class\": [{\"coding\": [{").replace("\"display\": \"virtual\"}",
                        "\"display\": \"virtual\"}]}]"));
        assertThat(((Plan.Answer) badFocus).reply().status()).isEqualTo(422);
    }

    @Test
    void idOnlyEventsReadTheFocusFromTheSource() throws IOException {
        Plan.Publish p = (Plan.Publish) notify(resource("notification-id-only.json"));
        assertThat(fetched).containsExactly(ENCOUNTER);
        assertThat(p.records()).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("fhir-patient:1599eb66-431a-447c-a3de-6897fad9d00d");
            assertThat(r.message().payload()).contains("\"status\":\"finished\"");
        });
    }

    @Test
    void anEventIsIngestedOnceButOnlyAfterItsAck() throws IOException {
        String n = resource("notification-full-resource.json");
        Plan.Publish first = (Plan.Publish) notify(n);
        // Not acknowledged (e.g. 503): the EHR's retry is ingested again.
        Plan.Publish retry = (Plan.Publish) notify(n);
        assertThat(retry.records()).hasSize(1);
        retry.afterAck().run();
        assertThat(events.highest("admission")).isEqualTo(2);
        Plan.Publish again = (Plan.Publish) notify(n);
        assertThat(again.records()).isEmpty();
        assertThat(again.onAck().status()).isEqualTo(200);
        assertThat(first.records()).hasSize(1);
    }

    @Test
    void refusals() throws IOException {
        String n = resource("notification-id-only.json");
        // Unknown subscription.
        Plan unknown = notify(n.replace("Subscription/admission\"", "Subscription/other\""));
        assertThat(((Plan.Answer) unknown).reply().status()).isEqualTo(422);
        // A focus on another server is never fetched.
        Plan elsewhere = notify(n.replace(ENCOUNTER, "https://evil.example.net/fhir/Encounter/1"));
        assertThat(((Plan.Answer) elsewhere).reply().status()).isEqualTo(422);
        assertThat(fetched).isEmpty();
        // Source down: 503, so the EHR resends.
        source = (src, url) -> {
            throw new SourceFetcher.Unavailable("down");
        };
        Plan down = notify(n);
        assertThat(((Plan.Answer) down).reply().status()).isEqualTo(503);
        assertThat(((Plan.Answer) down).reply().headers()).containsKey("Retry-After");
        // Not a notification at all.
        Plan notOne = notify("{\"resourceType\":\"Bundle\",\"type\":\"collection\"}");
        assertThat(((Plan.Answer) notOne).reply().status()).isEqualTo(422);
    }
}
