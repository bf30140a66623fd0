package org.ehrflow.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.ehrflow.gateway.GatewayApp;
import org.ehrflow.gateway.GatewayConfig;
import org.ehrflow.gateway.auth.Client;
import org.ehrflow.gateway.auth.ClientRegistry;
import org.ehrflow.gateway.bulk.BulkJob;
import org.ehrflow.gateway.subscription.SubscriptionSource;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.pipeline.Pipeline;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.PatientKey;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13 end to end, into the vector table: HAPI FHIR's generic client posts a Synthea transaction Bundle and a
 * v2-style message Bundle whose Patient has an MR identifier without a system (rows under the key scoped to its
 * {@code MessageHeader.source.endpoint}, citing the gateway's client); a Subscription notification (full-resource)
 * adds an Encounter to that patient; the gateway's scheduled {@code $export} imports the corpus's bulk Patients and
 * some of their Conditions, then an incremental ({@code _since}) run brings a changed Condition. The Bulk Data server
 * here is written for this test (answers as the Bulk Data IG's examples show, minimal).
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class GatewayPipelineIT {

    private static final Path BUNDLES = Path.of("..", "..", "shared", "corpus", "fhir", "bundles");
    private static final String LIS = "http://lis.example.org/fhir";
    private static final String TOKEN = "pipeline-it-token-0123456789";

    @Test
    void restWritesBecomeSearchableRows() throws Exception {
        Path work = Files.createTempDirectory("ehrflow-gateway-it-");
        try (LocalPostgres pg = LocalPostgres.startTemporary();
                KafkaFixture kafka = KafkaFixture.start();
                Pipeline pipeline = Pipeline.start(KafkaSettings.of(kafka.bootstrapServers()), pg, work, 2,
                        new SimpleMeterRegistry());
                MiniBulkServer bulk = new MiniBulkServer();
                GatewayApp gateway = GatewayApp.start(GatewayConfig.defaults(pipeline.kafka(), List.of(
                        new ClientRegistry.Entry(new Client("ehr-it", Set.of(Client.ANY_TYPE)), new Secret(TOKEN))))
                        .withPort(0)
                        .withSubscriptions(List.of(new SubscriptionSource("admission", "http://127.0.0.1:9/fhir",
                                new Secret(""))))
                        .withBulk(new BulkJob("bulk-it", bulk.base() + "/fhir", "patient", List.of("Patient",
                                "Condition"),
                                new Secret(""), work.resolve("bulk-it.state.json")), Duration.ofSeconds(2)),
                        new SimpleMeterRegistry())) {
            FhirContext ctx = FhirContext.forR4();
            ctx.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
            IGenericClient client = ctx.newRestfulGenericClient(gateway.baseUrl());
            client.registerInterceptor(new BearerTokenAuthInterceptor(TOKEN));

            Path synthea;
            try (var s = Files.list(BUNDLES)) {
                synthea = s.filter(p -> p.getFileName().toString().startsWith("synthea_r4_patient_bundle_"))
                        .min(Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
            }
            client.transaction().withBundle(ctx.newJsonParser().parseResource(Bundle.class, Files.readString(synthea)))
                    .execute();
            client.operation().processMessage().setMessageBundle(message()).synchronous(Bundle.class).execute();
            HttpResponse<String> notified = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(gateway.baseUrl() + "/$subscription-notification"))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/fhir+json")
                    .POST(HttpRequest.BodyPublishers.ofString(NOTIFICATION)).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(notified.statusCode()).isEqualTo(200);
            // The scheduled export: a full run, then incremental ones (_since = the previous transactionTime).
            Awaitility.await("two $export runs").atMost(Duration.ofMinutes(3)).until(() -> bulk.exports.get() >= 2);

            new DrainWatcher(pipeline, System.out).awaitDrained(Duration.ofSeconds(3), Duration.ofMinutes(5));

            String scoped = PatientKey.of(PatientKeyResolver.UNMAPPED_AUTHORITY_PREFIX + LIS, "4711");
            try (Connection c = pg.connect(Pipeline.RAG_DB)) {
                // The message's Observation is a row of the system-less MR's patient, citing the gateway client.
                assertThat(strings(c, "SELECT DISTINCT source_system FROM ehrflow.chunk WHERE patient_key = ?", scoped))
                        .containsExactly("ehr-it");
                assertThat(strings(c, "SELECT DISTINCT source_id FROM ehrflow.chunk WHERE patient_key = ?", scoped))
                        .anyMatch(s -> s.startsWith("Observation/"));
                // The Synthea bundle's rows: FHIR, through the gateway's client, under one patient key.
                assertThat(strings(c, "SELECT DISTINCT patient_key FROM ehrflow.chunk WHERE source_type = 'FHIR' "
                        + "AND source_system = ? AND patient_key <> '" + scoped + "'", "ehr-it")).hasSize(1);
                // The Subscription's Encounter joined the message's patient.
                assertThat(strings(c, "SELECT DISTINCT patient_key FROM ehrflow.chunk WHERE source_id = ?",
                        "Encounter/gw-sub-enc-1")).containsExactly(scoped);
                // The export's resources are rows of the bulk patients, and the incremental run's change is in.
                assertThat(strings(c, "SELECT DISTINCT patient_key FROM ehrflow.chunk WHERE source_system = ?",
                        "bulk-it")).hasSizeGreaterThan(1);
                // A Condition with an encounter is told in that encounter's story (chunker-stream), not a set of its
                // own.
                assertThat(strings(c, "SELECT source_id FROM ehrflow.chunk WHERE text LIKE ?",
                        "%Gateway incremental change%")).isNotEmpty();
            }
            assertThat(bulk.sinceSeen).isTrue();
        } finally {
            try (var s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A full-resource notification (R4 backport shape) whose Encounter belongs to the message's patient. */
    private static final String NOTIFICATION = ("{'resourceType':'Bundle','type':'history','entry':[{'fullUrl':"
            + "'urn:uuid:st1','resource':{'resourceType':'Parameters','parameter':["
            + "{'name':'subscription','valueReference':{'reference':'http://127.0.0.1:9/fhir/Subscription/admission'}},"
            + "{'name':'topic','valueCanonical':'http://hl7.org/SubscriptionTopic/admission'},"
            + "{'name':'status','valueCode':'active'},{'name':'type','valueCode':'event-notification'},"
            + "{'name':'events-since-subscription-start','valueString':'1'},"
            + "{'name':'notification-event','part':[{'name':'event-number','valueString':'1'},"
            + "{'name':'focus','valueReference':{'reference':'Encounter/gw-sub-enc-1'}}]}]}},"
            + "{'fullUrl':'http://127.0.0.1:9/fhir/Encounter/gw-sub-enc-1','resource':{'resourceType':'Encounter',"
            + "'id':'gw-sub-enc-1','status':'in-progress','class':{'code':'EMER'},'reasonCode':[{'text':"
            + "'Hypoglycaemia'}],'subject':{'reference':'Patient/gw-pipeline-pat-1'}}}]}").replace('\'', '"');

    /**
     * A minimal Bulk Data server: kick-off 202 + Content-Location, status 200 + manifest (transactionTime, request,
     * requiresAccessToken, output, error), NDJSON files. Export 0 serves the corpus's bulk Patients and the first 20
     * Conditions; the next export (it must carry _since) serves one of those Conditions, changed; later ones nothing.
     */
    static final class MiniBulkServer implements AutoCloseable {
        final AtomicInteger exports = new AtomicInteger();
        volatile boolean sinceSeen;
        final String changedConditionId;
        private final HttpServer server;
        private final String patients;
        private final String conditions;
        private final String changed;

        MiniBulkServer() throws Exception {
            Path ndjson = Path.of("..", "..", "shared", "corpus", "fhir", "ndjson");
            patients = Files.readString(ndjson.resolve("smartbulk_10pt_Patient.000.ndjson"));
            List<String> cond = Files.readAllLines(ndjson.resolve("smartbulk_10pt_Condition.000.ndjson")).subList(0,
                    20);
            conditions = String.join("\n", cond) + "\n";
            com.fasterxml.jackson.databind.node.ObjectNode c = (com.fasterxml.jackson.databind.node.ObjectNode)
                    org.ehrflow.schemas.Json.MAPPER.readTree(cond.get(0));
            changedConditionId = c.path("id").asText();
            ((com.fasterxml.jackson.databind.node.ObjectNode) c.path("code")).put("text", "Gateway incremental change");
            changed = c.toString() + "\n";
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/fhir/Patient/$export", ex -> {
                int n = exports.getAndIncrement();
                sinceSeen |= n > 0 && String.valueOf(ex.getRequestURI().getRawQuery()).contains("_since=");
                ex.getResponseHeaders().set("Content-Location", base() + "/status/" + n);
                ex.sendResponseHeaders(202, -1);
                ex.close();
            });
            server.createContext("/status/", ex -> {
                if (ex.getRequestMethod().equals("DELETE")) {
                    ex.sendResponseHeaders(202, -1);
                    ex.close();
                    return;
                }
                int n = Integer.parseInt(ex.getRequestURI().getPath().substring("/status/".length()));
                // As a server with _since does: the change once, then nothing new (an empty output list). Serving the
                // change on every run re-sent a record every 2 s, and the drain wait below had to be lucky.
                String files = n == 0 ? "{'type':'Patient','url':'" + base() + "/files/0/Patient.ndjson'},"
                        + "{'type':'Condition','url':'" + base() + "/files/0/Condition.ndjson'}"
                        : n == 1 ? "{'type':'Condition','url':'" + base() + "/files/" + n + "/Condition.ndjson'}" : "";
                String manifest = ("{'transactionTime':'" + String.format("2026-12-%02dT00:00:00Z", Math.min(n + 1, 28))
                        + "','request':'" + base()
                        + "/fhir/Patient/$export','requiresAccessToken':false,'output':[" + files + "],'error':[]}")
                        .replace('\'', '"');
                send(ex, "application/json", manifest);
            });
            server.createContext("/files/", ex -> {
                String p = ex.getRequestURI().getPath();
                send(ex, "application/fhir+ndjson", p.startsWith("/files/0/") ? (p.endsWith("Patient.ndjson")
                        ? patients : conditions) : changed);
            });
            server.start();
        }

        String base() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        private static void send(com.sun.net.httpserver.HttpExchange ex, String type, String body)
                throws IOException {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", type);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** An ORU-like message Bundle as v2-to-FHIR converters write it: the MR has a type but no system. */
    private static Bundle message() {
        Bundle b = new Bundle().setType(Bundle.BundleType.MESSAGE);
        b.setId("gw-pipeline-msg-1");
        MessageHeader h = new MessageHeader();
        h.setId("gw-pipeline-hdr-1");
        h.setEvent(new Coding("http://terminology.hl7.org/CodeSystem/v2-0003", "R01", null));
        h.getSource().setEndpoint(LIS);
        b.addEntry().setFullUrl("urn:uuid:gw-pipeline-hdr-1").setResource(h);
        Patient p = new Patient();
        p.setId("gw-pipeline-pat-1");
        p.addName().setFamily("Testpatient");
        p.addIdentifier().setValue("4711").getType()
                .addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v2-0203", "MR", null));
        b.addEntry().setFullUrl("urn:uuid:gw-pipeline-pat-1").setResource(p);
        Observation o = new Observation();
        o.setId("gw-pipeline-obs-1");
        o.setStatus(Observation.ObservationStatus.FINAL).getCode().setText("Glucose");
        o.getValueQuantity().setValue(5.4).setUnit("mmol/L");
        o.getSubject().setReference("urn:uuid:gw-pipeline-pat-1");
        b.addEntry().setFullUrl("urn:uuid:gw-pipeline-obs-1").setResource(o);
        return b;
    }

    private static List<String> strings(Connection c, String sql, String param) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }
}
