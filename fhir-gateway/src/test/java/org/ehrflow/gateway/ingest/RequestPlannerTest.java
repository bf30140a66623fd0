package org.ehrflow.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ehrflow.gateway.auth.Client;
import org.ehrflow.gateway.fhir.Capability;
import org.ehrflow.gateway.fhir.FhirCodec;
import org.ehrflow.gateway.fhir.FhirFormat;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.Json;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.SourceType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The REST surface without HTTP or Kafka: what each request becomes. */
class RequestPlannerTest {

    static final Path BUNDLES = Path.of("../../shared/corpus/fhir/bundles");
    private static final Instant NOW = Instant.parse("2026-12-06T00:00:00Z");
    private static final Client ANY = new Client("epic-prod", Set.of(Client.ANY_TYPE));

    private final PatientIndex index = new PatientIndex(1000);
    private final RequestPlanner planner = new RequestPlanner(new FhirCodec(true),
            new PatientIdentity(PatientKeyResolver.defaults()), index, Clock.fixed(NOW, ZoneOffset.UTC),
            Capability.statement("/fhir", Date.from(NOW)));

    static FhirRequest post(List<String> path, String body, Client client) {
        return new FhirRequest("POST", path, Map.of(), "application/fhir+json", body, client);
    }

    static String patient(String id, String identifierJson) {
        return "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"identifier\":[" + identifierJson + "]}";
    }

    static final String MR_TYPE = "\"type\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v2-0203\","
            + "\"code\":\"MR\"}]}";

    private static Plan.Publish published(Plan p) {
        assertThat(p).as("plan").isInstanceOf(Plan.Publish.class);
        return (Plan.Publish) p;
    }

    private static Reply answered(Plan p) {
        assertThat(p).as("plan").isInstanceOf(Plan.Answer.class);
        return ((Plan.Answer) p).reply();
    }

    private static List<String> expressions(Reply r) {
        return ((OperationOutcome) r.body()).getIssue().stream()
                .flatMap(i -> i.getExpression().stream().map(e -> e.getValue())).toList();
    }

    private static String diagnostics(Reply r) {
        return String.join(" | ", ((OperationOutcome) r.body()).getIssue().stream()
                .map(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics).toList());
    }

    @Test
    void syntheaBundleAsTransactionIsOneRecordKeyedAndProvenancedLikeTheFhirPath() throws IOException {
        Path file = BUNDLES.resolve("synthea_r4_patient_bundle_liz_conn_smartgen.json");
        String json = Files.readString(file);
        JsonNode tree = Json.MAPPER.readTree(json);
        // Synthea writes "transaction" bundles; the Patient is the first entry.
        assertThat(tree.path("type").asText()).isEqualTo("transaction");
        String patientId = tree.path("entry").get(0).path("resource").path("id").asText();

        Plan.Publish p = published(planner.plan(post(List.of(), json, ANY)));

        assertThat(p.records()).hasSize(1);
        RawRecord r = p.records().get(0);
        assertThat(r.key()).isEqualTo("fhir-patient:" + patientId);
        RawMessage m = r.message();
        assertThat(m.payload()).isSameAs(json); // the client's bytes, untouched
        assertThat(m.contentType()).isEqualTo(RawMessage.ContentType.FHIR_JSON);
        assertThat(m.provenance().sourceType()).isEqualTo(SourceType.FHIR);
        assertThat(m.provenance().sourceSystem()).isEqualTo("epic-prod");
        assertThat(m.provenance().sourceMessageId()).startsWith("Bundle/").endsWith("/_history/1");
        assertThat(m.provenance().ingestTime()).isEqualTo(NOW);
        assertThat(p.onAck().status()).isEqualTo(200);
        Bundle response = (Bundle) p.onAck().body();
        assertThat(response.getType()).isEqualTo(Bundle.BundleType.TRANSACTIONRESPONSE);
        assertThat(response.getEntry()).hasSize(tree.path("entry").size());
    }

    @Test
    void everyCorpusBundleIsAccepted() throws IOException {
        try (var files = Files.list(BUNDLES)) {
            for (Path f : files.sorted().toList()) {
                String json = Files.readString(f);
                Plan plan = planner.plan(post(List.of(), json, ANY));
                assertThat(plan).as(f.getFileName().toString()).isInstanceOf(Plan.Publish.class);
            }
        }
    }

    @Test
    void invalidValueIs422WithThePathAndWithoutTheValue() {
        String body = "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"birthDate\":\"SENTINEL-NOT-A-DATE\","
                + "\"identifier\":[{\"system\":\"http://hospital.example.org/mrn\",\"value\":\"1\"}]}";
        Reply r = answered(planner.plan(post(List.of("Patient"), body, ANY)));
        assertThat(r.status()).isEqualTo(422);
        assertThat(expressions(r)).anyMatch(e -> e.contains("birthDate"));
        assertThat(FhirCodec.encode(r.body(), FhirFormat.JSON)).doesNotContain("SENTINEL");
    }

    @Test
    void unknownElementIs422() {
        String body = "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
                + "\"colour\":\"blue\"}";
        Reply r = answered(planner.plan(post(List.of("Observation"), body, ANY)));
        assertThat(r.status()).isEqualTo(422);
        assertThat(expressions(r)).anyMatch(e -> e.contains("colour"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json at all", "{\"resourceType\":\"NoSuchType\"}", "[1,2]", "{\"a\":1}"})
    void unparsableIs400(String body) {
        Reply r = answered(planner.plan(post(List.of("Patient"), body, ANY)));
        assertThat(r.status()).isEqualTo(400);
        assertThat(FhirCodec.encode(r.body(), FhirFormat.JSON)).doesNotContain(body);
    }

    @Test
    void unsupportedMediaTypeIs415() {
        FhirRequest req = new FhirRequest("POST", List.of("Patient"), Map.of(), "text/plain", "x", ANY);
        assertThat(answered(planner.plan(req)).status()).isEqualTo(415);
    }

    @Test
    void typesOutsideTheClientsListAre403() {
        Client lab = new Client("lab", Set.of("Observation"));
        String body = patient("p1", "{\"system\":\"http://hospital.example.org/mrn\",\"value\":\"1\"}");
        Reply r = answered(planner.plan(post(List.of("Patient"), body, lab)));
        assertThat(r.status()).isEqualTo(403);
        assertThat(((OperationOutcome) r.body()).getIssueFirstRep().getCode())
                .isEqualTo(OperationOutcome.IssueType.FORBIDDEN);
    }

    @Test
    void aPatientWithoutAKeyIdentifierIs422AtPatientIdentifier() {
        // Only an SSN: no rule applies (FHIR_NO_PATIENT_ID downstream), so the gateway refuses it up front.
        String body = patient("p1", "{\"system\":\"http://hl7.org/fhir/sid/us-ssn\",\"value\":\"999\"}");
        Reply r = answered(planner.plan(post(List.of("Patient"), body, ANY)));
        assertThat(r.status()).isEqualTo(422);
        assertThat(expressions(r)).containsExactly("Patient.identifier");
        assertThat(diagnostics(r)).doesNotContain("999");
    }

    @Test
    void systemLessMrIsAcceptedScopedToTheClient() {
        String body = patient("p1", "{" + MR_TYPE + ",\"value\":\"4711\"}");
        Plan.Publish p = published(planner.plan(new FhirRequest("PUT", List.of("Patient", "p1"), Map.of(),
                "application/fhir+json", body, ANY)));
        assertThat(p.records().get(0).key()).isEqualTo("fhir-patient:p1");
        assertThat(p.onAck().status()).isEqualTo(200);
        assertThat(p.onAck().headers()).containsEntry("Location", "Patient/p1/_history/1");
    }

    @Test
    void putWithADifferentBodyIdIs400() {
        String body = patient("p2", "{\"system\":\"http://hospital.example.org/mrn\",\"value\":\"1\"}");
        Reply r = answered(planner.plan(new FhirRequest("PUT", List.of("Patient", "p1"), Map.of(),
                "application/fhir+json", body, ANY)));
        assertThat(r.status()).isEqualTo(400);
    }

    @Test
    void createIs201AndKeyedByTheSubject() {
        String body = "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
                + "\"subject\":{\"reference\":\"Patient/p9\"}}";
        Plan.Publish p = published(planner.plan(post(List.of("Observation"), body, ANY)));
        assertThat(p.onAck().status()).isEqualTo(201);
        assertThat(p.records().get(0).key()).isEqualTo("fhir-patient:p9");
        assertThat(p.records().get(0).message().provenance().sourceMessageId()).isEqualTo("Observation/o1/_history/1");
    }

    @Test
    void bytesAreReadAsUtf8AndCarriedAsTheSameText() {
        String body = "{\"resourceType\":\"Observation\",\"id\":\"o2\",\"status\":\"final\",\"code\":{\"text\":"
                + "\"Blutzucker n\u00fcchtern \u7cd6 \ud83e\ude78\"},\"subject\":{\"reference\":\"Patient/p9\"}}";
        Plan.Publish p = published(planner.plan(FhirRequest.ofBytes("POST", List.of("Observation"), Map.of(),
                "application/fhir+json", body.getBytes(StandardCharsets.UTF_8), ANY)));
        assertThat(p.records().get(0).message().payload()).isEqualTo(body);
    }

    @Test
    void bodiesThatAreNotPlainUtf8Are400() {
        String body = "{\"resourceType\":\"Observation\",\"id\":\"o3\",\"status\":\"final\",\"code\":{\"text\":"
                + "\"x\"},\"subject\":{\"reference\":\"Patient/p9\"}}";
        byte[] utf8 = body.getBytes(StandardCharsets.UTF_8);
        byte[] badByte = utf8.clone();
        badByte[body.indexOf("\"x\"") + 1] = (byte) 0xC3; // a lead byte followed by '"': not UTF-8
        byte[] bom = new byte[utf8.length + 3];
        bom[0] = (byte) 0xEF;
        bom[1] = (byte) 0xBB;
        bom[2] = (byte) 0xBF;
        System.arraycopy(utf8, 0, bom, 3, utf8.length);
        for (byte[] b : List.of(badByte, bom, body.getBytes(StandardCharsets.UTF_16LE),
                body.getBytes(StandardCharsets.UTF_16))) {
            Reply r = answered(planner.plan(FhirRequest.ofBytes("POST", List.of("Observation"), Map.of(),
                    "application/fhir+json", b, ANY)));
            assertThat(r.status()).isEqualTo(400);
        }
        assertThat(published(planner.plan(FhirRequest.ofBytes("POST", List.of("Observation"), Map.of(),
                "application/fhir+json", utf8, ANY))).onAck().status()).isEqualTo(201);
    }

    @Test
    void createWithoutIdGetsAContentDerivedId() {
        String body = "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
                + "\"subject\":{\"reference\":\"Patient/p9\"}}";
        Plan.Publish p = published(planner.plan(post(List.of("Observation"), body, ANY)));
        String location = p.onAck().headers().get("Location");
        assertThat(location).matches("Observation/gw-[0-9a-f]{32}/_history/1");
        String id = location.split("/")[1];
        assertThat(p.records().get(0).message().payload()).contains("\"id\":\"" + id + "\"");
        assertThat(p.records().get(0).touched()).containsExactly("Observation/" + id);
        // The same create again: the same id.
        assertThat(published(planner.plan(post(List.of("Observation"), body, ANY))).onAck().headers())
                .containsEntry("Location", location);
    }

    @Test
    void deleteIsATransactionEntryKeyedByTheResourcesPatient() {
        FhirRequest del = new FhirRequest("DELETE", List.of("Observation", "o1"), Map.of(), null, "", ANY);
        // Unknown patient: refused rather than dead-lettered downstream.
        assertThat(answered(planner.plan(del)).status()).isEqualTo(422);
        // Once the gateway has written the Observation, it knows.
        String body = "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
                + "\"subject\":{\"reference\":\"Patient/p9\"}}";
        published(planner.plan(post(List.of("Observation"), body, ANY))).records().forEach(index::learn);
        RawRecord r = published(planner.plan(del)).records().get(0);
        assertThat(r.key()).isEqualTo("fhir-patient:p9");
        assertThat(r.message().payload()).contains("\"method\":\"DELETE\"").contains("\"url\":\"Observation/o1\"");
        // Or the client names it.
        FhirRequest hinted = new FhirRequest("DELETE", List.of("Condition", "c1"), Map.of("patient", "Patient/p3"),
                null, "", ANY);
        assertThat(published(planner.plan(hinted)).records().get(0).key()).isEqualTo("fhir-patient:p3");
        FhirRequest patient = new FhirRequest("DELETE", List.of("Patient", "p4"), Map.of(), null, "", ANY);
        assertThat(published(planner.plan(patient)).records().get(0).key()).isEqualTo("fhir-patient:p4");
    }

    @Test
    void transactionIsAllOrNothing() {
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                + "{\"resource\":" + patient("p1", "{\"system\":\"http://hospital.example.org/mrn\",\"value\":\"1\"}")
                + ",\"request\":{\"method\":\"PUT\",\"url\":\"Patient/p1\"}},"
                + "{\"resource\":" + patient("p2", "{\"value\":\"2\"}") // no system, no type: no rule applies
                + ",\"request\":{\"method\":\"PUT\",\"url\":\"Patient/p2\"}},"
                + "{\"request\":{\"method\":\"GET\",\"url\":\"Patient/p1\"}}]}";
        Reply r = answered(planner.plan(post(List.of(), bundle, ANY)));
        assertThat(r.status()).isEqualTo(422);
        assertThat(expressions(r)).containsExactly("Bundle.entry[1].resource.identifier",
                "Bundle.entry[2].request.method");
    }

    @Test
    void batchEntriesStandAlone() {
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
                + "{\"resource\":" + patient("p1", "{\"system\":\"http://hospital.example.org/mrn\",\"value\":\"1\"}")
                + ",\"request\":{\"method\":\"PUT\",\"url\":\"Patient/p1\"}},"
                + "{\"resource\":" + patient("p2", "{\"value\":\"2\"}")
                + ",\"request\":{\"method\":\"PUT\",\"url\":\"Patient/p2\"}},"
                + "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"o5\",\"status\":\"final\",\"code\":{\"text\":"
                + "\"x\"},\"subject\":{\"reference\":\"Patient/p7\"}},\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}},"
                + "{\"request\":{\"method\":\"DELETE\",\"url\":\"Patient/p8\"}}]}";
        Plan.Publish p = published(planner.plan(post(List.of(), bundle, ANY)));
        assertThat(p.records()).extracting(RawRecord::key)
                .containsExactly("fhir-patient:p1", "fhir-patient:p7", "fhir-patient:p8");
        Bundle response = (Bundle) p.onAck().body();
        assertThat(response.getEntry()).extracting(e -> e.getResponse().getStatus())
                .containsExactly("200 OK", "422", "201 Created", "204 No Content");
    }

    @Test
    void messageBundleGoesThroughProcessMessageScopedToItsSource() {
        String msg = "{\"resourceType\":\"Bundle\",\"id\":\"m1\",\"type\":\"message\",\"entry\":["
                + "{\"fullUrl\":\"urn:uuid:h1\",\"resource\":{\"resourceType\":\"MessageHeader\",\"id\":\"h1\","
                + "\"eventCoding\":{\"system\":\"http://terminology.hl7.org/CodeSystem/v2-0003\",\"code\":\"R01\"},"
                + "\"source\":{\"endpoint\":\"http://lis.example.org/fhir\"}}},"
                + "{\"fullUrl\":\"urn:uuid:pat1\",\"resource\":" + patient("pat1", "{" + MR_TYPE
                        + ",\"value\":\"4711\"}")
                + "}]}";
        assertThat(answered(planner.plan(post(List.of(), msg, ANY))).status()).isEqualTo(400);
        Plan.Publish p = published(planner.plan(post(List.of("$process-message"), msg, ANY)));
        assertThat(p.records().get(0).key()).isEqualTo("fhir-patient:pat1");
        Bundle response = (Bundle) p.onAck().body();
        assertThat(response.getType()).isEqualTo(Bundle.BundleType.MESSAGE);
        org.hl7.fhir.r4.model.MessageHeader h = (org.hl7.fhir.r4.model.MessageHeader) response.getEntryFirstRep()
                .getResource();
        assertThat(h.getResponse().getIdentifier()).isEqualTo("h1");
        assertThat(h.getResponse().getCode()).isEqualTo(org.hl7.fhir.r4.model.MessageHeader.ResponseType.OK);
    }

    @Test
    void xmlIsConvertedToJsonForTheTopic() {
        String xml = "<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"px\"/><identifier><system "
                + "value=\"http://hospital.example.org/mrn\"/><value value=\"55\"/></identifier></Patient>";
        FhirRequest req = new FhirRequest("PUT", List.of("Patient", "px"), Map.of(), "application/fhir+xml", xml, ANY);
        RawRecord r = published(planner.plan(req)).records().get(0);
        assertThat(r.key()).isEqualTo("fhir-patient:px");
        assertThat(r.message().payload()).startsWith("{\"resourceType\":\"Patient\"").contains("\"value\":\"55\"");
    }

    @Test
    void unknownPathsAre404AndMetadataIsACapabilityStatement() {
        assertThat(answered(planner.plan(post(List.of("NoSuchType"), "{}", ANY))).status()).isEqualTo(404);
        assertThat(planner.metadata().body()).isInstanceOf(org.hl7.fhir.r4.model.CapabilityStatement.class);
    }
}
