package org.ehrflow.documents.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.ehrflow.documents.Docs;
import org.ehrflow.documents.DocumentExtractorConfig;
import org.ehrflow.documents.error.ReasonCodes;
import org.ehrflow.documents.extract.DocumentExtractor;
import org.ehrflow.documents.extract.Fixtures;
import org.ehrflow.documents.extract.TesseractOcr;
import org.ehrflow.documents.mapping.AttachmentSource;
import org.ehrflow.documents.mapping.DocumentMapper;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.DlqHeaders;
import org.ehrflow.schemas.DocumentText;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.RecordOp;
import org.ehrflow.schemas.SchemaValidator;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Both lanes on TopologyTestDriver with the production builders and Streams properties. */
@Timeout(120)
class ExtractorTopologyTest {

    @TempDir
    Path stateDir;

    private SimpleMeterRegistry registry;
    private DocumentExtractor fastExtractor;
    private DocumentExtractor slowExtractor;
    private TopologyTestDriver fast;
    private TestInputTopic<String, byte[]> in;
    private TestOutputTopic<String, byte[]> text;
    private TestOutputTopic<String, byte[]> slowLane;
    private TestOutputTopic<String, byte[]> dlq;
    private DocumentExtractorConfig config;

    @BeforeEach
    void start() {
        registry = new SimpleMeterRegistry();
        config = DocumentExtractorConfig.defaults(KafkaSettings.of("unused:9092"), stateDir);
        fastExtractor = new DocumentExtractor(config.limits(), null);
        slowExtractor = new DocumentExtractor(config.limits(), new TesseractOcr("tesseract", "eng"));
        fast = new TopologyTestDriver(ExtractorTopology.fastLane(new DocumentMapper(fastExtractor, null),
                new ExtractorMetrics(registry, "fast")), config.fastLaneProperties());
        in = fast.createInputTopic(Topics.FHIR_RESOURCES.name(), new StringSerializer(), new ByteArraySerializer());
        text = fast.createOutputTopic(Topics.DOCUMENT_TEXT.name(), new StringDeserializer(),
                new ByteArrayDeserializer());
        slowLane = fast.createOutputTopic(Topics.DOCUMENT_SLOW_LANE.name(), new StringDeserializer(),
                new ByteArrayDeserializer());
        dlq = fast.createOutputTopic(Topics.dlq(Topics.APP_DOCUMENT_EXTRACTOR).name(), new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        fast.close();
        fastExtractor.close();
        slowExtractor.close();
    }

    private static DocumentText document(byte[] value) {
        assertThat(SchemaValidator.problems(Topics.DOCUMENT_TEXT, value)).isEmpty();
        return Topics.DOCUMENT_TEXT.valueSerde().deserializer().deserialize("t", value);
    }

    @Test
    void windows1252HtmlBecomesTextOthersPassAndScansMoveToTheSlowLane() throws Exception {
        byte[] html = ("<html><head><meta charset=\"windows-1252\"></head><body><h2>Newborn screen</h2>"
                + "<p>Résultat: normal – no follow-up</p></body></html>").getBytes(Charset.forName("windows-1252"));
        in.pipeInput(Docs.PATIENT, Docs.bytes(Docs.upsert("nbs-1", Docs.documentReference("text/html", html))));
        in.pipeInput(Docs.PATIENT, Docs.bytes(new FhirRecord(Docs.PATIENT, RecordOp.UPSERT, "Observation", "o-1",
                "1", null, "{\"resourceType\":\"Observation\"}", Docs.provenance())));
        byte[] scan = Fixtures.scannedPdf(List.of("Biopsy: benign."), 3);
        byte[] scanRecord = Docs.bytes(Docs.upsert("scan-1", Docs.documentReference("application/pdf", scan)));
        in.pipeInput(Docs.PATIENT, scanRecord);

        DocumentText d = document(text.readValue());
        assertThat(d.reference()).isEqualTo("DocumentReference/nbs-1");
        assertThat(d.noteType()).isEqualTo("Pathology study");
        assertThat(d.date()).isEqualTo("2024-05-01");
        assertThat(d.sections().get(0).text()).contains("## Newborn screen").contains("Résultat: normal – no");
        assertThat(text.isEmpty()).isTrue();
        TestRecord<String, byte[]> moved = slowLane.readRecord();
        assertThat(moved.key()).isEqualTo(Docs.PATIENT);
        assertThat(moved.value()).isEqualTo(scanRecord);
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(registry.get("ehrflow.documents.slow_lane").counter().count()).isEqualTo(1.0);

        // The slow lane reads what the fast lane moved.
        assumeTrue(new TesseractOcr("tesseract", "eng").available(), "tesseract is not installed");
        try (TopologyTestDriver slow = new TopologyTestDriver(ExtractorTopology.slowLane(
                new DocumentMapper(slowExtractor, AttachmentSource.NONE), new ExtractorMetrics(registry, "slow"),
                Duration.ofSeconds(1)), config.slowLaneProperties())) {
            slow.createInputTopic(Topics.DOCUMENT_SLOW_LANE.name(), new StringSerializer(), new ByteArraySerializer())
                    .pipeInput(moved.key(), moved.value());
            DocumentText ocr = document(slow.createOutputTopic(Topics.DOCUMENT_TEXT.name(), new StringDeserializer(),
                    new ByteArrayDeserializer()).readValue());
            assertThat(ocr.sections()).singleElement().satisfies(s -> {
                assertThat(s.text()).contains("benign");
                assertThat(s.citation().ocr()).isTrue();
                assertThat(s.citation().pageStart()).isEqualTo(1);
            });
            assertThat(ocr.metadata()).containsEntry("ocrPages", "1");
        }
    }

    @Test
    void badDocumentsAreDeadLetteredWithCodesAndNoText() throws Exception {
        in.pipeInput(Docs.PATIENT, Docs.bytes(Docs.upsert("enc-1",
                Docs.documentReference("application/pdf", Fixtures.encryptedPdf("Secret diagnosis")))));
        byte[] noise = new byte[256];
        new Random(2).nextBytes(noise);
        in.pipeInput(Docs.PATIENT, Docs.bytes(Docs.upsert("dcm-1", Docs.documentReference("application/dicom",
                noise))));
        in.pipeInput(Docs.PATIENT, "{not json".getBytes(StandardCharsets.UTF_8));

        List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).hasSize(3);
        List<DeadLetter> letters = dead.stream().map(r -> Topics.dlq(Topics.APP_DOCUMENT_EXTRACTOR).valueSerde()
                .deserializer().deserialize("t", r.value())).toList();
        assertThat(letters).extracting(DeadLetter::reasonCode).containsExactly(ReasonCodes.DOCUMENT_ENCRYPTED,
                ReasonCodes.DOCUMENT_UNSUPPORTED_TYPE, ReasonCodes.VALUE_NOT_DESERIALIZABLE);
        assertThat(letters.get(0).sourceTopic()).isEqualTo(Topics.FHIR_RESOURCES.name());
        Header detail = dead.get(1).headers().lastHeader(DlqHeaders.DETAIL);
        assertThat(new String(detail.value(), StandardCharsets.UTF_8)).isEqualTo("mime_type=application/dicom");
        for (TestRecord<String, byte[]> r : dead) {
            for (Header h : r.headers()) {
                assertThat(new String(h.value(), StandardCharsets.UTF_8)).doesNotContain("Secret");
            }
        }
        assertThat(text.isEmpty()).isTrue();
        assertThat(registry.get("ehrflow.documents.dlq").tag("reason", ReasonCodes.DOCUMENT_UNSUPPORTED_TYPE)
                .tag("mime_type", "application/dicom").counter().count()).isEqualTo(1.0);
    }

    @Test
    void deletesAndEnteredInErrorRetractAndReferencesGoToTheSlowLane() {
        in.pipeInput(Docs.PATIENT, Docs.bytes(new FhirRecord(Docs.PATIENT, RecordOp.DELETE, "DocumentReference",
                "d-1", "2", null, null, Docs.provenance())));
        in.pipeInput(Docs.PATIENT, Docs.bytes(Docs.upsert("d-2",
                "{\"resourceType\":\"DocumentReference\",\"status\":\"entered-in-error\",\"content\":[]}")));
        in.pipeInput(Docs.PATIENT, Docs.bytes(Docs.upsert("d-3",
                Docs.documentReferenceByUrl("application/hl7-v3+xml", "Binary/ccda-1"))));
        assertThat(text.readValuesToList()).extracting(v -> document(v).op()).containsExactly(RecordOp.DELETE,
                RecordOp.DELETE);
        assertThat(slowLane.readValuesToList()).hasSize(1);
    }
}
