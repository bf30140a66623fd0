package org.ehrflow.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.ehrflow.gateway.GatewayApp;
import org.ehrflow.gateway.GatewayConfig;
import org.ehrflow.gateway.auth.Client;
import org.ehrflow.gateway.auth.ClientRegistry;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.localstack.LocalPostgres;
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
 * Issue 13 end to end: HAPI FHIR's generic client posts a Synthea transaction Bundle and a v2-style message Bundle
 * whose Patient has an MR identifier without a system to fhir-gateway; both end up as searchable rows in PostgreSQL,
 * the message's under the key scoped to its {@code MessageHeader.source.endpoint}, citing the gateway's client.
 */
@Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
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
                GatewayApp gateway = GatewayApp.start(GatewayConfig.defaults(pipeline.kafka(), List.of(
                        new ClientRegistry.Entry(new Client("ehr-it", Set.of(Client.ANY_TYPE)), new Secret(TOKEN))))
                        .withPort(0), new SimpleMeterRegistry())) {
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
            }
        } finally {
            try (var s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
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
            List<String> out = new java.util.ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }
}
