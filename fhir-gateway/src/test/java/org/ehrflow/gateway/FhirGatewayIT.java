package org.ehrflow.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.ehrflow.gateway.GatewayFixture.Raw;
import org.ehrflow.localstack.EmbeddedKafka;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.ehrflow.normalizer.mapping.fhir.FhirMapper;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.PatientKey;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HAPI FHIR's generic client (a peer this team did not write) against the gateway on a real in-JVM KRaft broker:
 * a Synthea transaction Bundle and a v2-style message Bundle with a system-less MR identifier arrive on
 * {@code ehr.raw.fhir.v1} with the FHIR path's keys, and the normaliser's own mapper turns them into patient keys.
 */
@Timeout(240)
class FhirGatewayIT {

    private static final Path SYNTHEA = Path.of("../../shared/corpus/fhir/bundles/"
            + "synthea_r4_patient_bundle_liz_conn_smartgen.json");
    private static final String LIS = "http://lis.example.org/fhir";

    @TempDir
    static Path dir;

    private static EmbeddedKafka kafka;
    private static KafkaSettings settings;
    private static GatewayApp app;
    private static IGenericClient client;
    /** The Subscription's source server for id-only reads: serves one Encounter, counts reads. */
    private static com.sun.net.httpserver.HttpServer source;
    private static final AtomicInteger SOURCE_READS = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        settings = KafkaSettings.of(kafka.bootstrapServers());
        TopicAdmin.ensureTopics(settings, 3, (short) 1);
        source = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        source.createContext("/fhir/Encounter/", ex -> {
            SOURCE_READS.incrementAndGet();
            byte[] b = ("{\"resourceType\":\"Encounter\",\"id\":\"86009987-eabe-42bf-8c02-b112b18cb616\","
                    + "\"status\":\"finished\",\"class\":{\"code\":\"VR\"},\"subject\":{\"reference\":"
                    + "\"Patient/it-pat-1\"}}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/fhir+json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        source.start();
        String sourceBase = "http://127.0.0.1:" + source.getAddress().getPort() + "/fhir";
        app = GatewayApp.start(GatewayConfig.defaults(settings, GatewayFixture.clients("it-ehr")).withPort(0)
                .withSubscriptions(List.of(new org.ehrflow.gateway.subscription.SubscriptionSource("admission",
                        sourceBase, new org.ehrflow.runtime.Secret("")))), new SimpleMeterRegistry());
        client = GatewayFixture.hapiClient(app.baseUrl(), GatewayFixture.TOKEN);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (source != null) {
            source.stop(0);
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void hapiClientPostsASyntheaTransactionAndAMessageWithASystemLessMr() throws Exception {
        Bundle synthea = GatewayFixture.CLIENT_CTX.newJsonParser().parseResource(Bundle.class,
                GatewayFixture.read(SYNTHEA));
        // The Patient's own id as the file has it (HAPI's model would report the entry's fullUrl instead).
        String syntheaPatient = org.ehrflow.schemas.Json.MAPPER.readTree(GatewayFixture.read(SYNTHEA)).path("entry")
                .findValues("resource").stream().filter(r -> r.path("resourceType").asText().equals("Patient"))
                .findFirst().orElseThrow().path("id").asText();
        Bundle answer = client.transaction().withBundle(synthea).execute();
        assertThat(answer.getType()).isEqualTo(Bundle.BundleType.TRANSACTIONRESPONSE);
        assertThat(answer.getEntry()).hasSize(synthea.getEntry().size());

        Bundle response = client.operation().processMessage().setMessageBundle(messageBundle())
                .synchronous(Bundle.class).execute();
        MessageHeader h = (MessageHeader) response.getEntryFirstRep().getResource();
        assertThat(h.getResponse().getCode()).isEqualTo(MessageHeader.ResponseType.OK);

        Observation obs = new Observation();
        obs.setId("it-obs-1");
        obs.setStatus(Observation.ObservationStatus.FINAL).getCode().setText("heart rate");
        obs.getSubject().setReference("Patient/it-pat-1");
        MethodOutcome created = client.create().resource(obs).execute();
        assertThat(created.getCreated()).isTrue();
        // HAPI's create sends no id (the server assigns one): the gateway's is derived from the content.
        String assigned = created.getId().getIdPart();
        assertThat(assigned).startsWith("gw-");
        // The gateway remembers whose Observation that was, so the DELETE is keyed by the same patient.
        client.delete().resourceById("Observation", assigned).execute();

        // Only this test's records (the tests share the broker).
        List<Raw> raw = GatewayFixture.rawFhir(settings).stream().filter(r -> !r.key().contains("SENTINEL"))
                .filter(r -> !r.message().provenance().sourceMessageId().startsWith("Encounter/")).toList();
        assertThat(raw).extracting(Raw::key).containsExactly(
                "fhir-patient:" + syntheaPatient, "fhir-patient:it-pat-1", "fhir-patient:it-pat-1",
                "fhir-patient:it-pat-1");
        assertThat(raw).allSatisfy(r -> assertThat(r.message().provenance().sourceSystem()).isEqualTo("it-ehr"));

        // The normaliser's own mapper gives the records patient keys: Synthea's MR (with its system) and the
        // message's system-less MR, scoped to the MessageHeader.source.endpoint.
        FhirMapper normaliser = new FhirMapper(PatientKeyResolver.defaults());
        Set<String> syntheaKeys = keys(normaliser.map(raw.get(0).key(), raw.get(0).message(), LinkLookup.NONE));
        assertThat(syntheaKeys).hasSize(1).allMatch(PatientKey::isPatient);
        Set<String> messageKeys = keys(normaliser.map(raw.get(1).key(), raw.get(1).message(), LinkLookup.NONE));
        assertThat(messageKeys).containsExactly(PatientKey.of(PatientKeyResolver.UNMAPPED_AUTHORITY_PREFIX + LIS,
                "4711"));
    }

    @Test
    void anIdOnlySubscriptionNotificationIsReadFromTheSourceOnce() throws Exception {
        String base = "http://127.0.0.1:" + source.getAddress().getPort() + "/fhir";
        String notification;
        try (var in = getClass().getResourceAsStream("/subscriptions/notification-id-only.json")) {
            notification = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("https://example.org/fhir", base);
        }
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest post = HttpRequest.newBuilder(URI.create(app.baseUrl() + "/$subscription-notification"))
                .header("Authorization", "Bearer " + GatewayFixture.TOKEN)
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(notification)).build();
        assertThat(http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        // The EHR resends the same event (its retry): acknowledged, not read or produced again.
        assertThat(http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(SOURCE_READS.get()).isEqualTo(1);
        List<Raw> encounters = GatewayFixture.rawFhir(settings).stream()
                .filter(r -> r.message().provenance().sourceMessageId().startsWith("Encounter/86009987")).toList();
        assertThat(encounters).singleElement().satisfies(r -> assertThat(r.key()).isEqualTo("fhir-patient:it-pat-1"));
    }

    @Test
    void refusalsReachTheClientAsOperationOutcomes() throws Exception {
        Patient noKey = new Patient();
        noKey.setId("it-nokey");
        noKey.addIdentifier().setSystem("http://hl7.org/fhir/sid/us-ssn").setValue("000-00-0000");
        assertThatThrownBy(() -> client.update().resource(noKey).execute())
                .isInstanceOf(UnprocessableEntityException.class);
        IGenericClient wrong = GatewayFixture.hapiClient(app.baseUrl(), "wrong-token-0123456789");
        assertThatThrownBy(() -> wrong.create().resource(new Observation()).execute())
                .isInstanceOf(AuthenticationException.class);

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> tooLarge = http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/Patient"))
                .header("Authorization", "Bearer " + GatewayFixture.TOKEN)
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(GatewayConfig.DEFAULT_MAX_BODY_BYTES + 1)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.body()).contains("OperationOutcome").contains("too-long");
        HttpResponse<String> metadata = http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/metadata"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(metadata.body()).contains("CapabilityStatement").contains("process-message");
    }

    @Test
    void aSentinelPatientNeverReachesLogsOrAnswers() throws Exception {
        String sentinel = "ZZSENTINELZZ";
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        root.addAppender(logs);
        ch.qos.logback.classic.Logger ours = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger("org.ehrflow");
        ch.qos.logback.classic.Logger hapi = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger("ca.uhn.fhir");
        ch.qos.logback.classic.Level before = ours.getLevel();
        ours.setLevel(ch.qos.logback.classic.Level.DEBUG);
        hapi.setLevel(ch.qos.logback.classic.Level.DEBUG);
        List<String> answers = new ArrayList<>();
        try {
            HttpClient http = HttpClient.newHttpClient();
            String good = "{\"resourceType\":\"Patient\",\"id\":\"" + sentinel + "\",\"name\":[{\"family\":\""
                    + sentinel + "\"}],\"identifier\":[{\"system\":\"http://hospital.example.org/mrn\",\"value\":\""
                    + sentinel + "\"}]}";
            for (String body : List.of(good,
                    good.replace("\"name\"", "\"birthDate\":\"" + sentinel + "\",\"name\""), // invalid value
                    good.replace("\"name\"", "\"" + sentinel + "\":1,\"name\""), // unknown element
                    good.replace("http://hospital.example.org/mrn", "http://hl7.org/fhir/sid/us-ssn"), // no key
                    "{\"resourceType\":\"Patient\",\"id\":" + sentinel + "}")) { // not JSON
                answers.add(http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/Patient/" + sentinel))
                        .header("Authorization", "Bearer " + GatewayFixture.TOKEN)
                        .header("Content-Type", "application/fhir+json")
                        .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                        .body());
            }
        } finally {
            root.detachAppender(logs);
            ours.setLevel(before);
            hapi.setLevel(null);
        }
        assertThat(answers).hasSize(5).noneMatch(a -> a.contains(sentinel));
        assertThat(logs.list).isNotEmpty().noneMatch(e -> e.getFormattedMessage().contains(sentinel)
                || (e.getThrowableProxy() != null
                        && String.valueOf(e.getThrowableProxy().getMessage()).contains(sentinel)));
    }

    private static Set<String> keys(MappingResult r) {
        assertThat(r).isInstanceOf(MappingResult.Mapped.class);
        return ((MappingResult.Mapped) r).records().stream().map(FhirRecord::patientKey).collect(Collectors.toSet());
    }

    /** An ORU-like message Bundle as v2-to-FHIR converters write it: the MR has a type but no system. */
    private static Bundle messageBundle() {
        Bundle b = new Bundle().setType(Bundle.BundleType.MESSAGE);
        b.setId("it-msg-1");
        MessageHeader h = new MessageHeader();
        h.setId("it-hdr-1");
        h.setEvent(new Coding("http://terminology.hl7.org/CodeSystem/v2-0003", "R01", null));
        h.getSource().setEndpoint(LIS);
        b.addEntry().setFullUrl("urn:uuid:it-hdr-1").setResource(h);
        Patient p = new Patient();
        p.setId("it-pat-1");
        Identifier mr = p.addIdentifier().setValue("4711");
        mr.getType().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v2-0203", "MR", null));
        b.addEntry().setFullUrl("urn:uuid:it-pat-1").setResource(p);
        Observation o = new Observation();
        o.setId("it-obs-0");
        o.setStatus(Observation.ObservationStatus.FINAL).getCode().setText("glucose");
        o.getSubject().setReference("urn:uuid:it-pat-1");
        b.addEntry().setFullUrl("urn:uuid:it-obs-0").setResource(o);
        return b;
    }
}
