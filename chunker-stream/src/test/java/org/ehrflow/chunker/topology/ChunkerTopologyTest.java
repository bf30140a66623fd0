package org.ehrflow.chunker.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.ehrflow.chunker.ChunkerConfig;
import org.ehrflow.chunker.Corpus;
import org.ehrflow.chunker.TestSupport;
import org.ehrflow.chunker.error.ReasonCodes;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.DlqHeaders;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.RecordOp;
import org.ehrflow.schemas.SchemaValidator;
import org.ehrflow.schemas.TopicSpec;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChunkerTopologyTest {

    private static final TopicSpec<String, DeadLetter> DLQ = Topics.dlq(Topics.APP_CHUNKER);

    private SimpleMeterRegistry registry;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> in;
    private TestOutputTopic<String, byte[]> chunks;
    private TestOutputTopic<String, byte[]> dlq;

    @org.junit.jupiter.api.io.TempDir
    Path stateDir;

    @BeforeEach
    void start() {
        registry = new SimpleMeterRegistry();
        // The production builder and the production Streams properties (exactly_once_v2, application id).
        // Production builder and properties; a private state dir, since the stores are persistent (RocksDB).
        ChunkerConfig config = ChunkerConfig.defaults(org.ehrflow.runtime.KafkaSettings.of("unused:9092"), stateDir);
        driver = new TopologyTestDriver(ChunkerTopology.build(TestSupport.chunker(config.chunking()),
                new ChunkerMetrics(registry)), config.streamsProperties());
        in = driver.createInputTopic(Topics.FHIR_RESOURCES.name(), new StringSerializer(), new ByteArraySerializer());
        chunks = driver.createOutputTopic(Topics.CHUNKS.name(), new StringDeserializer(), new ByteArrayDeserializer());
        dlq = driver.createOutputTopic(DLQ.name(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static byte[] bytes(FhirRecord rec) {
        return Topics.FHIR_RESOURCES.valueSerde().serializer().serialize(Topics.FHIR_RESOURCES.name(), rec);
    }

    private static String resource(String file) throws Exception {
        return Files.readString(Corpus.FHIR.resolve("resources").resolve(file));
    }

    private List<ChunkSet> chunkSets() {
        return chunks.readRecordsToList().stream().map(r -> {
            assertThat(r.key()).isEqualTo(TestSupport.PATIENT);
            assertThat(SchemaValidator.problems(Topics.CHUNKS, r.value())).isEmpty();
            return Topics.CHUNKS.valueSerde().deserializer().deserialize(Topics.CHUNKS.name(), r.value());
        }).toList();
    }

    @Test
    void noteGetsItsOwnSetAndAnObservationJoinsItsEncounterStory() throws Exception {
        String note = resource("documentreference_emergency_dept_note_base64_smartbulk.json");
        String obs = resource("observation_vitals_blood_pressure_components_smartgen.json");
        in.pipeInput(TestSupport.PATIENT, bytes(TestSupport.upsert("DocumentReference", "ed-note-1", note)));
        in.pipeInput(TestSupport.PATIENT, bytes(TestSupport.upsert("Observation", "bp-1", obs)));

        List<ChunkSet> sets = chunkSets();
        // The observation names an encounter: it is told in that encounter's story, not in a set of its own, and
        // it starts the blood pressure series.
        assertThat(sets).extracting(ChunkSet::sourceId).hasSize(3).first().isEqualTo("DocumentReference/ed-note-1");
        assertThat(sets.get(2).sourceId()).startsWith("Observation/series-");
        assertThat(sets.get(2).chunks()).singleElement().satisfies(c -> {
            assertThat(c.text()).startsWith("Observation series | ").contains("1 result, ");
            assertThat(c.cites()).containsExactly("Observation/bp-1");
        });
        assertThat(sets.get(1).sourceId()).startsWith("Encounter/").isEqualTo("Encounter/" + sets.get(1).encounterId());
        assertThat(sets.get(0).chunks()).hasSizeGreaterThan(3)
                .allSatisfy(c -> assertThat(c.tokenCount()).isLessThanOrEqualTo(128));
        assertThat(sets.get(1).chunks()).singleElement()
                .satisfies(c -> assertThat(c.text()).contains("Systolic Blood Pressure 124.1 mm[Hg]"));
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(registry.get("ehrflow.chunker.sets").tag("op", "UPSERT").counters()).hasSize(3);
        assertThat(registry.get("ehrflow.chunker.chunk.tokens").summary().count())
                .isEqualTo(sets.get(0).chunks().size() + 2);
    }

    @Test
    void deleteBecomesADeleteSet() {
        in.pipeInput(TestSupport.PATIENT, bytes(TestSupport.delete("DocumentReference", "ed-note-1")));
        assertThat(chunkSets()).singleElement().satisfies(s -> {
            assertThat(s.op()).isEqualTo(RecordOp.DELETE);
            assertThat(s.sourceId()).isEqualTo("DocumentReference/ed-note-1");
            assertThat(s.chunks()).isEmpty();
        });
    }

    @Test
    void corruptBytesGoToTheDlqWithReasonAndOriginalBytesAndTheAppKeepsGoing() {
        byte[] corrupt = "{\"patientKey\": 42, garbage".getBytes(StandardCharsets.UTF_8);
        in.pipeInput(TestSupport.PATIENT, corrupt);
        in.pipeInput(TestSupport.PATIENT, bytes(TestSupport.delete("Observation", "after-the-poison")));

        TestRecord<String, byte[]> dead = dlq.readRecord();
        assertThat(dead.key()).isEqualTo(TestSupport.PATIENT);
        assertThat(SchemaValidator.problems(DLQ, dead.value())).isEmpty();
        DeadLetter dl = DLQ.valueSerde().deserializer().deserialize(DLQ.name(), dead.value());
        assertThat(dl.reasonCode()).isEqualTo(ReasonCodes.VALUE_NOT_DESERIALIZABLE);
        assertThat(dl.original()).isEqualTo(corrupt);
        assertThat(dl.stage()).isEqualTo(Topics.APP_CHUNKER);
        assertThat(dl.sourceTopic()).isEqualTo(Topics.FHIR_RESOURCES.name());
        assertThat(dl.sourceOffset()).isEqualTo(0L);
        Headers h = dead.headers();
        assertThat(new String(h.lastHeader(DlqHeaders.REASON).value(), StandardCharsets.UTF_8))
                .isEqualTo(ReasonCodes.VALUE_NOT_DESERIALIZABLE);
        assertThat(new String(h.lastHeader(DlqHeaders.SOURCE_OFFSET).value(), StandardCharsets.UTF_8)).isEqualTo("0");
        assertThat(chunkSets()).extracting(ChunkSet::sourceId).containsExactly("Observation/after-the-poison");
        assertThat(registry.get("ehrflow.chunker.dlq").tag("reason", ReasonCodes.VALUE_NOT_DESERIALIZABLE)
                .counter().count()).isEqualTo(1.0);
    }

    @Test
    void unparseableResourceJsonGoesToTheDlqWithoutTheExceptionMessage() {
        byte[] original = bytes(TestSupport.upsert("Observation", "obs-1", "{\"resourceType\":\"Observation\",,"));
        in.pipeInput(TestSupport.PATIENT, original);
        TestRecord<String, byte[]> dead = dlq.readRecord();
        DeadLetter dl = DLQ.valueSerde().deserializer().deserialize(DLQ.name(), dead.value());
        assertThat(dl.reasonCode()).isEqualTo(ReasonCodes.RESOURCE_PARSE_ERROR);
        assertThat(dl.errorClass()).isEqualTo("DataFormatException");
        assertThat(dl.sourceMessageId()).isEqualTo(TestSupport.provenance().sourceMessageId());
        assertThat(dl.original()).isEqualTo(original);
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).doesNotContain("Unexpected character");
        assertThat(chunks.isEmpty()).isTrue();
    }

    @Test
    void tombstoneGoesToTheDlqAndUnsupportedTypesEmitNothing() throws Exception {
        in.pipeInput(TestSupport.PATIENT, (byte[]) null);
        in.pipeInput(TestSupport.PATIENT, bytes(TestSupport.upsert("Organization", "org-1",
                "{\"resourceType\":\"Organization\",\"id\":\"org-1\",\"name\":\"General Hospital\"}")));
        DeadLetter dl = DLQ.valueSerde().deserializer().deserialize(DLQ.name(), dlq.readRecord().value());
        assertThat(dl.reasonCode()).isEqualTo(ReasonCodes.VALUE_MISSING);
        assertThat(chunks.isEmpty()).isTrue();
        assertThat(registry.get("ehrflow.chunker.unsupported").tag("resource_type", "Organization").counter().count())
                .isEqualTo(1.0);
    }
}
