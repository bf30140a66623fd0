package org.ehrflow.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ehrflow.documents.error.ReasonCodes;
import org.ehrflow.documents.extract.Fixtures;
import org.ehrflow.documents.extract.TesseractOcr;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.DocumentText;
import org.ehrflow.schemas.SchemaValidator;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both lanes against a real KRaft broker, real Tesseract and a local FHIR server: a scan goes through the OCR
 * lane, a C-CDA by reference is fetched (after a 503, retried, not dead-lettered), a windows-1252 report passes
 * the fast lane ahead of the scan, and a truncated PDF is dead-lettered with its code.
 */
class DocumentExtractorIT {

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void documentsFlowThroughBothLanesOnARealBroker(@TempDir Path stateDir) throws Exception {
        assumeTrue(new TesseractOcr("tesseract", "eng").available(), "tesseract is not installed");
        byte[] ccda = Files.readAllBytes(CorpusPath.DOCS.resolve("ccda_progress_note_msfhirconv_01.xml"));
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<String> auth = new AtomicReference<>();
        HttpServer fhir = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fhir.createContext("/fhir/Binary/ccda-1", ex -> {
            auth.set(ex.getRequestHeaders().getFirst("Authorization"));
            if (calls.incrementAndGet() == 1) {
                ex.sendResponseHeaders(503, -1); // a server hiccup: retried, never dead-lettered
            } else {
                ex.getResponseHeaders().add("Content-Type", "application/hl7-v3+xml");
                ex.sendResponseHeaders(200, ccda.length);
                ex.getResponseBody().write(ccda);
            }
            ex.close();
        });
        fhir.start();
        try (KafkaFixture kafka = KafkaFixture.start()) {
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            TopicAdmin.ensureTopics(settings, 2, (short) 1);
            DocumentExtractorConfig config = DocumentExtractorConfig.defaults(settings, stateDir).withFhirBase(
                    URI.create("http://127.0.0.1:" + fhir.getAddress().getPort() + "/fhir"), new Secret("it-token"));
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (DocumentExtractorApp app = DocumentExtractorApp.start(config, registry);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings.clientProps(),
                         new StringSerializer(), new ByteArraySerializer())) {
                send(producer, Docs.upsert("scan-1", Docs.documentReference("application/pdf",
                        Fixtures.scannedPdf(List.of("SURGICAL PATHOLOGY\nBenign fibroadenoma, left breast."), 5))));
                send(producer, Docs.upsert("ccda-ref-1",
                        Docs.documentReferenceByUrl("application/hl7-v3+xml", "Binary/ccda-1")));
                byte[] html = ("<html><head><meta charset=\"windows-1252\"></head><body><p>Newborn screen: résultat "
                        + "normal</p></body></html>").getBytes(Charset.forName("windows-1252"));
                send(producer, Docs.upsert("nbs-1", Docs.documentReference("text/html", html)));
                send(producer, Docs.upsert("bad-1", Docs.documentReference("application/pdf",
                        Fixtures.truncated(Fixtures.textPdf(List.of("a", "b", "c"))))));

                List<DocumentText> docs = readCommitted(settings, Topics.DOCUMENT_TEXT.name(), 3).stream()
                        .map(r -> {
                            assertThat(SchemaValidator.problems(Topics.DOCUMENT_TEXT, r.value())).isEmpty();
                            return Topics.DOCUMENT_TEXT.valueSerde().deserializer().deserialize("", r.value());
                        }).toList();
                assertThat(docs).extracting(DocumentText::resourceId)
                        .containsExactlyInAnyOrder("scan-1", "ccda-ref-1", "nbs-1");
                // Same key, so same partition: the fast lane's report overtook the scan queued behind OCR.
                assertThat(docs.stream().map(DocumentText::resourceId).toList().indexOf("nbs-1"))
                        .isLessThan(docs.stream().map(DocumentText::resourceId).toList().indexOf("scan-1"));
                DocumentText scan = docs.stream().filter(d
                        -> d.resourceId().equals("scan-1")).findFirst().orElseThrow();
                assertThat(scan.sections().get(0).citation().ocr()).isTrue();
                assertThat(scan.sections().get(0).text()).contains("fibroadenoma");
                DocumentText ccdaDoc = docs.stream().filter(d -> d.resourceId().equals("ccda-ref-1")).findFirst()
                        .orElseThrow();
                assertThat(ccdaDoc.sections()).anySatisfy(s -> assertThat(s.citation().sectionCode())
                        .startsWith("LOINC|"));
                assertThat(ccdaDoc.sections().get(0).citation().attachment()).isNull();
                assertThat(ccdaDoc.noteType()).isNotBlank();
                assertThat(calls.get()).isEqualTo(2);
                assertThat(auth.get()).isEqualTo("Bearer it-token");

                List<ConsumerRecord<String, byte[]>> dead = readCommitted(settings,
                        Topics.dlq(Topics.APP_DOCUMENT_EXTRACTOR).name(), 1);
                DeadLetter dl = Topics.dlq(Topics.APP_DOCUMENT_EXTRACTOR).valueSerde().deserializer()
                        .deserialize("", dead.get(0).value());
                assertThat(dl.reasonCode()).isEqualTo(ReasonCodes.DOCUMENT_CORRUPT);
                assertThat(registry.get("ehrflow.documents.fetch.retries").counter().count()).isGreaterThan(0);
                assertThat(app.isRunning()).isTrue();
            }
        } finally {
            fhir.stop(0);
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, org.ehrflow.schemas.FhirRecord rec)
            throws Exception {
        producer.send(new ProducerRecord<>(Topics.FHIR_RESOURCES.name(), rec.patientKey(), Docs.bytes(rec))).get();
    }

    // read_committed: only what the lanes' transactions committed counts as output; in arrival order.
    private static List<ConsumerRecord<String, byte[]>> readCommitted(KafkaSettings settings, String topic, int n) {
        Properties p = settings.clientProps();
        p.putAll(Map.of("group.id", "it-" + topic, "auto.offset.reset", "earliest", "isolation.level",
                "read_committed"));
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (out.size() < n && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        assertThat(out).as("records on " + topic).hasSize(n);
        return out;
    }
}
