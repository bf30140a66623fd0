package org.ehrflow.demo.sources;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.schemas.Json;
import org.ehrflow.schemas.Provenance;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.SourceType;
import org.ehrflow.schemas.Topics;

/**
 * A FHIR source for the demo and tests: publishes FHIR R4 JSON (a resource or a Bundle) to the raw FHIR topic,
 * keyed "fhir-patient:&lt;id&gt;" when the patient is known so one patient's FHIR facts stay in order.
 * In production a FHIR subscription relay or bulk-export loader plays this role.
 */
public final class FhirPublisher implements AutoCloseable {

    private final KafkaProducer<String, RawMessage> producer;
    private final String sourceSystem;

    public FhirPublisher(KafkaSettings kafka, String sourceSystem) {
        var p = kafka.clientProps();
        p.put("enable.idempotence", "true");
        p.put("acks", "all");
        p.put("client.id", "ehrflow-fhir-publisher");
        this.producer = new KafkaProducer<>(p, Topics.RAW_FHIR.keySerde().serializer(),
                Topics.RAW_FHIR.valueSerde().serializer());
        this.sourceSystem = sourceSystem;
    }

    /** Publishes one JSON document and waits for the broker's acknowledgement. */
    public RecordMetadata publish(String json) throws IOException, InterruptedException, ExecutionException,
            TimeoutException {
        JsonNode root = Json.MAPPER.readTree(json);
        String type = root.path("resourceType").asText("Unknown");
        String id = root.path("id").asText(type + "-" + Integer.toHexString(json.hashCode()));
        String version = root.path("meta").path("versionId").asText("1");
        RawMessage msg = new RawMessage(RawMessage.ContentType.FHIR_JSON,
                Provenance.atIngress(SourceType.FHIR, sourceSystem, type + "/" + id + "/_history/" + version, null,
                        Instant.now()),
                json);
        Future<RecordMetadata> f = producer.send(new ProducerRecord<>(Topics.RAW_FHIR.name(), keyOf(root, id), msg));
        return f.get(30, TimeUnit.SECONDS);
    }

    /** "fhir-patient:&lt;id&gt;" for the Patient the document is about, else the document id. */
    static String keyOf(JsonNode root, String fallbackId) {
        if ("Patient".equals(root.path("resourceType").asText())) {
            return "fhir-patient:" + root.path("id").asText(fallbackId);
        }
        if ("Bundle".equals(root.path("resourceType").asText())) {
            for (JsonNode e : root.path("entry")) {
                JsonNode r = e.path("resource");
                if ("Patient".equals(r.path("resourceType").asText())) {
                    String pid = r.path("id").asText("");
                    if (pid.isEmpty()) {
                        pid = e.path("fullUrl").asText("").replaceFirst("^urn:uuid:", "");
                    }
                    return "fhir-patient:" + pid;
                }
            }
            return "bundle:" + fallbackId;
        }
        for (String field : new String[] {"subject", "patient"}) {
            String ref = root.path(field).path("reference").asText("");
            if (ref.startsWith("Patient/")) {
                return "fhir-patient:" + ref.substring("Patient/".length());
            }
        }
        return "resource:" + fallbackId;
    }

    @Override
    public void close() {
        producer.close();
    }
}
