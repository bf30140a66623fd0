package org.ehrflow.chunker.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.ehrflow.chunker.ChunkerConfig;
import org.ehrflow.chunker.Corpus;
import org.ehrflow.chunker.TestSupport;
import org.ehrflow.chunker.error.ReasonCodes;
import org.ehrflow.schemas.Chunk;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.Citation;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.DocumentSection;
import org.ehrflow.schemas.DocumentText;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.Provenance;
import org.ehrflow.schemas.RecordOp;
import org.ehrflow.schemas.SchemaValidator;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The chunker with the document extractor deployed: documents come as DocumentText, chunks cite pages/sections. */
class DocumentTopologyTest {

    private SimpleMeterRegistry registry;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> resources;
    private TestInputTopic<String, byte[]> documents;
    private TestOutputTopic<String, byte[]> chunks;
    private TestOutputTopic<String, byte[]> dlq;

    @org.junit.jupiter.api.io.TempDir
    Path stateDir;

    @BeforeEach
    void start() {
        registry = new SimpleMeterRegistry();
        ChunkerConfig config = ChunkerConfig.defaults(org.ehrflow.runtime.KafkaSettings.of("unused:9092"), stateDir)
                .withDocumentsFromExtractor(true);
        driver = new TopologyTestDriver(ChunkerTopology.build(TestSupport.chunker(config.chunking()),
                new ChunkerMetrics(registry), config.documentsFromExtractor()), config.streamsProperties());
        resources = driver.createInputTopic(Topics.FHIR_RESOURCES.name(), new StringSerializer(),
                new ByteArraySerializer());
        documents = driver.createInputTopic(Topics.DOCUMENT_TEXT.name(), new StringSerializer(),
                new ByteArraySerializer());
        chunks = driver.createOutputTopic(Topics.CHUNKS.name(), new StringDeserializer(), new ByteArrayDeserializer());
        dlq = driver.createOutputTopic(Topics.dlq(Topics.APP_CHUNKER).name(), new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private List<ChunkSet> chunkSets() {
        return chunks.readRecordsToList().stream().map(r -> {
            assertThat(SchemaValidator.problems(Topics.CHUNKS, r.value())).isEmpty();
            return Topics.CHUNKS.valueSerde().deserializer().deserialize(Topics.CHUNKS.name(), r.value());
        }).toList();
    }

    private static byte[] bytes(DocumentText d) {
        return Topics.DOCUMENT_TEXT.valueSerde().serializer().serialize(Topics.DOCUMENT_TEXT.name(), d);
    }

    private static DocumentText pdf(RecordOp op) {
        List<DocumentSection> pages = op == RecordOp.DELETE ? List.of() : List.of(
                new DocumentSection(null, "DISCHARGE SUMMARY\n\nPatient admitted with chest pain.",
                        Citation.of(1, 1, null, "content[0]")),
                new DocumentSection(null, "MEDICATIONS:\nMetformin 500 mg twice daily.",
                        new Citation(2, 2, null, "content[0]", true, 54.5, true)),
                new DocumentSection("Allergies", "Penicillin: hives.", Citation.of(null, null, "LOINC|48765-2", null)));
        return new DocumentText(TestSupport.PATIENT, op, "DocumentReference", "scan-1", "3", "enc-9",
                "Discharge summary", "2024-03-01", pages, Map.of("pages", "2"), Map.of(), TestSupport.provenance());
    }

    @Test
    void documentTextBecomesChunksCitingPagesSectionsAndOcr() {
        documents.pipeInput(TestSupport.PATIENT, bytes(pdf(RecordOp.UPSERT)));
        ChunkSet set = chunkSets().get(0);
        assertThat(set.sourceId()).isEqualTo("DocumentReference/scan-1");
        assertThat(set.resourceVersion()).isEqualTo("3");
        assertThat(set.noteType()).isEqualTo("Discharge summary");
        List<Chunk> c = set.chunks();
        assertThat(c).hasSize(3);
        assertThat(c.get(0).text()).startsWith("Discharge summary | 2024-03-01").contains("chest pain");
        assertThat(c.get(0).citation().pageStart()).isEqualTo(1);
        assertThat(c.get(0).citation().ocr()).isFalse();
        assertThat(c.get(1).section()).isEqualTo("MEDICATIONS");
        assertThat(c.get(1).citation()).isEqualTo(new Citation(2, 2, null, "content[0]", true, 54.5, true));
        assertThat(c.get(2).section()).isEqualTo("Allergies");
        assertThat(c.get(2).citation().sectionCode()).isEqualTo("LOINC|48765-2");
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void documentsOnTheNormalisedTopicAreLeftToTheExtractorOthersAreNot() throws Exception {
        String note = Files.readString(Corpus.FHIR.resolve("resources")
                .resolve("documentreference_emergency_dept_note_base64_smartbulk.json"));
        String obs = Files.readString(Corpus.FHIR.resolve("resources")
                .resolve("observation_vitals_blood_pressure_components_smartgen.json"));
        resources.pipeInput(TestSupport.PATIENT, Topics.FHIR_RESOURCES.valueSerde().serializer().serialize("t",
                TestSupport.upsert("DocumentReference", "ed-note-1", note)));
        resources.pipeInput(TestSupport.PATIENT, Topics.FHIR_RESOURCES.valueSerde().serializer().serialize("t",
                TestSupport.delete("DocumentReference", "ed-note-1")));
        resources.pipeInput(TestSupport.PATIENT, Topics.FHIR_RESOURCES.valueSerde().serializer().serialize("t",
                TestSupport.upsert("Observation", "bp-1", obs)));
        // The observation is chunked as before (its story and its series); the two document records are not.
        assertThat(chunkSets()).extracting(ChunkSet::sourceId).hasSize(2)
                .satisfiesExactly(s -> assertThat(s).startsWith("Encounter/"),
                        s -> assertThat(s).startsWith("Observation/series-"));
        assertThat(registry.get("ehrflow.chunker.documents.deferred").counter().count()).isEqualTo(2.0);
    }

    @Test
    void anOlderVersionThatFinishedLaterInTheOcrLaneDoesNotReplaceANewerOne() {
        Instant t = Instant.parse("2024-03-01T10:00:00Z");
        DocumentText newer = at(pdf(RecordOp.UPSERT), t.plusSeconds(60), "4");
        DocumentText older = at(pdf(RecordOp.UPSERT), t, "3");
        documents.pipeInput(TestSupport.PATIENT, bytes(newer));
        documents.pipeInput(TestSupport.PATIENT, bytes(older)); // the scan of version 3, OCR'd after version 4
        assertThat(chunkSets()).extracting(ChunkSet::resourceVersion).containsExactly("4");
        assertThat(registry.get("ehrflow.chunker.documents.stale").counter().count()).isEqualTo(1.0);
        documents.pipeInput(TestSupport.PATIENT, bytes(at(pdf(RecordOp.DELETE), t.plusSeconds(120), "5")));
        documents.pipeInput(TestSupport.PATIENT, bytes(older)); // a late arrival never undoes the retraction
        assertThat(chunkSets()).extracting(ChunkSet::op).containsExactly(RecordOp.DELETE);
    }

    @Test
    void aDiagnosticReportDeleteIsNotUndoneByTheReportsLateOcrResult() {
        Instant t = Instant.parse("2024-03-01T10:00:00Z");
        DocumentText report = new DocumentText(TestSupport.PATIENT, RecordOp.UPSERT, "DiagnosticReport", "rad-1", "1",
                "enc-9", "Radiology report", "2024-03-01", pdf(RecordOp.UPSERT).sections(), Map.of(), Map.of(),
                TestSupport.provenance());
        // the report was sent at t (its scan is in the OCR lane), deleted at t + 60 s: the chunker retracts it
        resources.pipeInput(TestSupport.PATIENT, fhir(new FhirRecord(TestSupport.PATIENT,
                RecordOp.DELETE, "DiagnosticReport", "rad-1", "2", null, null, ingestAt(t.plusSeconds(60)))));
        assertThat(chunkSets()).extracting(ChunkSet::op).containsExactly(RecordOp.DELETE);
        documents.pipeInput(TestSupport.PATIENT, bytes(at(report, t, "1"))); // OCR of the deleted version, late
        assertThat(chunkSets()).as("a late OCR result must not re-create a deleted report").isEmpty();
        assertThat(registry.get("ehrflow.chunker.documents.stale").counter().count()).isEqualTo(1.0);
        // a version sent after the delete is applied
        documents.pipeInput(TestSupport.PATIENT, bytes(at(report, t.plusSeconds(120), "3")));
        assertThat(chunkSets()).extracting(ChunkSet::resourceVersion).containsExactly("3");
        // and a delete older than it that the normalised topic delivers late does not retract it
        resources.pipeInput(TestSupport.PATIENT, fhir(new FhirRecord(TestSupport.PATIENT,
                RecordOp.DELETE, "DiagnosticReport", "rad-1", "2", null, null, ingestAt(t.plusSeconds(90)))));
        assertThat(chunkSets()).isEmpty();
        assertThat(registry.get("ehrflow.chunker.documents.stale").counter().count()).isEqualTo(2.0);
    }

    private static byte[] fhir(FhirRecord r) {
        return Topics.FHIR_RESOURCES.valueSerde().serializer().serialize(Topics.FHIR_RESOURCES.name(), r);
    }

    private static Provenance ingestAt(Instant ingest) {
        Provenance p = TestSupport.provenance();
        return new Provenance(p.sourceType(), p.sourceSystem(), p.sourceMessageId(),
                p.rawTopic(), p.rawPartition(), p.rawOffset(), p.eventTime(), ingest);
    }

    private static DocumentText at(DocumentText d, Instant ingest, String version) {
        Provenance p = d.provenance();
        return new DocumentText(d.patientKey(), d.op(), d.resourceType(), d.resourceId(), version, d.encounterId(),
                d.noteType(), d.date(), d.sections(), d.metadata(), d.skipped(),
                new Provenance(p.sourceType(), p.sourceSystem(), p.sourceMessageId(),
                        p.rawTopic(), p.rawPartition(), p.rawOffset(), p.eventTime(), ingest));
    }

    @Test
    void deleteAndCorruptDocumentText() {
        documents.pipeInput(TestSupport.PATIENT, bytes(pdf(RecordOp.DELETE)));
        assertThat(chunkSets()).singleElement().satisfies(s -> {
            assertThat(s.op()).isEqualTo(RecordOp.DELETE);
            assertThat(s.sourceId()).isEqualTo("DocumentReference/scan-1");
        });
        documents.pipeInput(TestSupport.PATIENT, "{not json".getBytes(StandardCharsets.UTF_8));
        DeadLetter dl = Topics.dlq(Topics.APP_CHUNKER).valueSerde().deserializer()
                .deserialize("t", dlq.readValue());
        assertThat(dl.reasonCode()).isEqualTo(ReasonCodes.VALUE_NOT_DESERIALIZABLE);
        assertThat(dl.sourceTopic()).isEqualTo(Topics.DOCUMENT_TEXT.name());
    }

    @Test
    void aDocumentOfAPatientMergedAwayGoesToTheSurvivorTaggedWithItsNames() {
        String survivor = PatientKey.of("urn:test:mrn", "TEST-0002");
        resources.pipeInput(TestSupport.PATIENT, Topics.FHIR_RESOURCES.valueSerde().serializer().serialize("t",
                new FhirRecord(TestSupport.PATIENT, RecordOp.MERGE, "Patient", "p-1", "5", null,
                        null, TestSupport.provenance(), survivor)));
        chunkSets();
        // Late from the OCR lane: the retired patient's scan, after its MERGE.
        documents.pipeInput(TestSupport.PATIENT, bytes(pdf(RecordOp.UPSERT)));
        assertThat(chunkSets()).extracting(ChunkSet::patientKey, ChunkSet::sourceId).containsExactly(
                tuple(survivor, "DocumentReference/scan-1"));
        assertThat(registry.get("ehrflow.chunker.records.redirected").tag("resource_type", "DocumentReference")
                .counter().count()).isEqualTo(1.0);
        assertThat(dlq.isEmpty()).isTrue();
    }
}
