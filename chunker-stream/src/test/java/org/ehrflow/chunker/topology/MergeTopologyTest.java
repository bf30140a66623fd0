package org.ehrflow.chunker.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.ehrflow.chunker.ChunkerConfig;
import org.ehrflow.chunker.TestSupport;
import org.ehrflow.chunker.chunking.aggregate.PatientSummary;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.schemas.Chunk;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.RecordOp;
import org.ehrflow.schemas.SchemaValidator;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A MERGE whose two patients live on different partitions: the retired patient's state leaves its task through
 * the internal transfer topic, keyed by the surviving key, and is merged into the survivor's state there.
 * TopologyTestDriver runs one task, so the test proves the path (the internal topic and the key), not two tasks;
 * ChunkerAppIT runs it on a real broker with two partitions.
 */
class MergeTopologyTest {

    /** Retired patient: partition 1 of 2 (murmur2, the producer's and Streams' default partitioner). */
    private static final String RETIRED = TestSupport.PATIENT;
    /** Surviving patient: partition 0 of 2. */
    private static final String SURVIVOR = PatientKey.of("urn:test:mrn", "TEST-0002");
    private static final String TRANSFER_TOPIC = Topics.APP_CHUNKER + "-" + ChunkerTopology.MERGE_TRANSFER
            + "-repartition";

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> in;
    private TestOutputTopic<String, byte[]> out;
    private TestOutputTopic<String, String> transfers;

    @TempDir
    Path stateDir;

    @BeforeEach
    void start() {
        // Production builder and properties; a private state dir, since the stores are persistent (RocksDB).
        ChunkerConfig config = ChunkerConfig.defaults(KafkaSettings.of("unused:9092"), stateDir);
        driver = new TopologyTestDriver(ChunkerTopology.build(TestSupport.chunker(config.chunking()),
                new ChunkerMetrics(new SimpleMeterRegistry())), config.streamsProperties());
        in = driver.createInputTopic(Topics.FHIR_RESOURCES.name(), new StringSerializer(), new ByteArraySerializer());
        out = driver.createOutputTopic(Topics.CHUNKS.name(), new StringDeserializer(), new ByteArrayDeserializer());
        transfers = driver.createOutputTopic(TRANSFER_TOPIC, new StringDeserializer(), new StringDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    // Minimal synthetic resources: only the fields the renderers and summary rules read.
    private static String medication(String id, String status) {
        return "{\"resourceType\":\"MedicationRequest\",\"id\":\"" + id + "\",\"status\":\"" + status + "\","
                + "\"intent\":\"order\",\"medicationCodeableConcept\":{\"text\":\"Metformin 500 MG Oral Tablet\"},"
                + "\"authoredOn\":\"2024-03-01\"}";
    }

    private static String allergy(String id) {
        return "{\"resourceType\":\"AllergyIntolerance\",\"id\":\"" + id + "\",\"clinicalStatus\":{\"coding\":"
                + "[{\"code\":\"active\"}]},\"code\":{\"text\":\"Penicillin\"},\"recordedDate\":\"2024-03-01\"}";
    }

    private void send(String pk, String type, String id, String json) {
        in.pipeInput(pk, bytes(new FhirRecord(pk, RecordOp.UPSERT, type, id, "1", null, json,
                TestSupport.provenance())));
    }

    private void merge() {
        in.pipeInput(RETIRED, bytes(new FhirRecord(RETIRED, RecordOp.MERGE, "Patient", "p-1", "5", null, null,
                TestSupport.provenance(), SURVIVOR)));
    }

    private static byte[] bytes(FhirRecord rec) {
        return Topics.FHIR_RESOURCES.valueSerde().serializer().serialize(Topics.FHIR_RESOURCES.name(), rec);
    }

    /** The sets read last whose source is an observation series (kept apart from {@link #sets}). */
    private final List<ChunkSet> series = new ArrayList<>();

    // Stories, summaries and pass-throughs; the observation series are collected in {@link #series}.
    private List<ChunkSet> sets() {
        List<ChunkSet> all = out.readRecordsToList().stream().map(r -> {
            assertThat(SchemaValidator.problems(Topics.CHUNKS, r.value())).isEmpty();
            ChunkSet s = Topics.CHUNKS.valueSerde().deserializer().deserialize(Topics.CHUNKS.name(), r.value());
            assertThat(r.key()).isEqualTo(s.patientKey());
            return s;
        }).toList();
        series.clear();
        all.stream().filter(s -> s.sourceId().startsWith("Observation/series-")).forEach(series::add);
        return all.stream().filter(s -> !s.sourceId().startsWith("Observation/series-")).toList();
    }

    private static String text(ChunkSet s) {
        return String.join("\n", s.chunks().stream().map(Chunk::text).toList());
    }

    private static int partition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** Every store entry of {@code pk}. */
    private List<KeyValue<String, String>> entries(String pk) {
        List<KeyValue<String, String>> all = new ArrayList<>();
        for (String name : StateStores.ALL) {
            KeyValueStore<String, String> store = driver.getKeyValueStore(name);
            try (KeyValueIterator<String, String> it = store.prefixScan(StateStores.prefix(pk),
                    new StringSerializer())) {
                it.forEachRemaining(all::add);
            }
        }
        return all;
    }

    // The retired patient: a relative's name, a shared encounter with one observation, an active problem whose
    // text names the relative, an active medication and an allergy.
    private void retiredPatientHistory() {
        send(RETIRED, "RelatedPerson", "rp-1", "{\"resourceType\":\"RelatedPerson\",\"id\":\"rp-1\",\"patient\":"
                + "{\"reference\":\"Patient/p-1\"},\"name\":[{\"family\":\"Quixano\",\"given\":[\"Elvira\"]}]}");
        send(RETIRED, "Observation", "o1", AggregationTopologyTest.observation("o1", "e1", "7.9",
                "2024-03-01T10:00:00Z"));
        send(RETIRED, "Condition", "c1", AggregationTopologyTest.condition("c1", "e0", "active")
                .replace("Type 2 diabetes mellitus", "Type 2 diabetes mellitus per daughter Elvira"));
        send(RETIRED, "MedicationRequest", "m1", medication("m1", "active"));
        send(RETIRED, "AllergyIntolerance", "a1", allergy("a1"));
    }

    @Test
    void aCrossPartitionMergeMovesTheRetiredStateThroughTheTransferTopicIntoTheSurvivor() {
        assertThat(partition(RETIRED, 2)).isNotEqualTo(partition(SURVIVOR, 2));
        retiredPatientHistory();
        // The survivor's own records, before the transfer: a fact in the shared encounter and an asthma problem.
        send(SURVIVOR, "Observation", "o2", AggregationTopologyTest.observation("o2", "e1", "6.1",
                "2024-03-01T11:00:00Z"));
        send(SURVIVOR, "Condition", "c9", AggregationTopologyTest.condition("c9", "e9", "active")
                .replace("Type 2 diabetes mellitus", "Asthma"));
        sets();

        merge();

        // The transfer left through the internal topic under the surviving key.
        assertThat(transfers.readRecordsToList()).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(SURVIVOR);
            assertThat(StateTransfer.fromJson(r.value()).retiredKey()).isEqualTo(RETIRED);
        });
        List<ChunkSet> sets = sets();
        // Retired side unchanged from before: summary DELETE, MERGE pass-through. Survivor side: the stories that
        // gained facts (shared e1, moved e0) and the summary.
        assertThat(sets).extracting(ChunkSet::patientKey, ChunkSet::op, ChunkSet::sourceId).containsExactly(
                tuple(RETIRED, RecordOp.DELETE, PatientSummary.sourceId(RETIRED)),
                tuple(RETIRED, RecordOp.MERGE, "Patient/p-1"),
                tuple(SURVIVOR, RecordOp.UPSERT, "Encounter/e0"),
                tuple(SURVIVOR, RecordOp.UPSERT, "Encounter/e1"),
                tuple(SURVIVOR, RecordOp.UPSERT, PatientSummary.sourceId(SURVIVOR)));
        assertThat(sets.get(1).targetPatientKey()).isEqualTo(SURVIVOR);
        assertThat(text(sets.get(3))).contains("7.9").contains("6.1");
        ChunkSet summary = sets.get(4);
        assertThat(text(summary)).contains("Asthma", "Type 2 diabetes mellitus", "Metformin", "Penicillin");
        // Tagged with the combined identity: the retired patient's relative is a known name now.
        assertThat(summary.chunks()).anySatisfy(c -> {
            assertThat(c.phiKinds()).contains("NAME");
            assertThat(c.deidentifiedText()).doesNotContain("Elvira");
        });
        // The A1c series of both patients is one series of the survivor now, newest first.
        assertThat(series).singleElement().satisfies(s -> {
            assertThat(s.patientKey()).isEqualTo(SURVIVOR);
            assertThat(text(s)).contains("2 results").contains("6.1 %\n2024-03-01: 7.9 %");
            assertThat(s.chunks().get(0).cites()).containsExactly("Observation/o2", "Observation/o1");
        });
        assertThat(entries(RETIRED)).isEmpty();

        // A later record of the survivor builds on the merged state: summary and shared story keep their items.
        send(SURVIVOR, "MedicationRequest", "m2", medication("m2", "active").replace("Metformin", "Lisinopril"));
        send(SURVIVOR, "Observation", "o3", AggregationTopologyTest.observation("o3", "e1", "5.4",
                "2024-03-01T12:00:00Z"));
        List<ChunkSet> later = sets();
        assertThat(later).extracting(ChunkSet::sourceId).containsExactly("MedicationRequest/m2",
                PatientSummary.sourceId(SURVIVOR), "Encounter/e1");
        assertThat(text(later.get(1))).contains("Asthma", "Type 2 diabetes", "Metformin", "Lisinopril", "Penicillin");
        assertThat(text(later.get(2))).contains("7.9", "6.1", "5.4");
        assertThat(series).singleElement().satisfies(s -> assertThat(text(s)).contains("3 results"));
        // And the moved resources are the survivor's now: retracting one updates the survivor's summary.
        in.pipeInput(SURVIVOR, bytes(new FhirRecord(SURVIVOR, RecordOp.DELETE, "AllergyIntolerance", "a1", "2", null,
                null, TestSupport.provenance())));
        assertThat(sets()).extracting(ChunkSet::sourceId).containsExactly("AllergyIntolerance/a1",
                PatientSummary.sourceId(SURVIVOR));
    }

    @Test
    void theSurvivorsNewerVersionOfAResourceWinsAndATransferAppliedTwiceChangesNothing() {
        retiredPatientHistory();
        // The survivor already has a newer version of m1 (stopped): the retired patient's active one must not
        // come back into the survivor's summary.
        send(SURVIVOR, "MedicationRequest", "m1", medication("m1", "stopped"));
        send(SURVIVOR, "Condition", "c9", AggregationTopologyTest.condition("c9", "e9", "active")
                .replace("Type 2 diabetes mellitus", "Asthma"));
        sets();
        merge();
        String transfer = transfers.readRecordsToList().get(0).value();
        ChunkSet summary = sets().stream().filter(s -> s.sourceId().equals(PatientSummary.sourceId(SURVIVOR)))
                .findFirst().orElseThrow();
        assertThat(text(summary)).contains("Asthma", "Type 2 diabetes", "Penicillin").doesNotContain("Metformin");

        // Under exactly-once a transfer is applied once; applied again it still changes nothing (never overwrites).
        List<KeyValue<String, String>> before = entries(SURVIVOR);
        TestInputTopic<String, String> again = driver.createInputTopic(TRANSFER_TOPIC, new StringSerializer(),
                new StringSerializer());
        again.pipeInput(SURVIVOR, transfer);
        assertThat(out.isEmpty()).isTrue();
        assertThat(entries(SURVIVOR)).isEqualTo(before);
    }

    @Test
    void aTransferCutIntoPartsEndsInTheSameStateAndTheSameLastSets() {
        retiredPatientHistory();
        sets();
        merge();
        StateTransfer whole = StateTransfer.fromJson(transfers.readRecordsToList().get(0).value());
        List<ChunkSet> fromWhole = sets().stream().filter(x -> x.patientKey().equals(SURVIVOR)).toList();
        // The same state sent to a third, empty patient in small parts (a long-lived patient's state is cut so).
        String other = PatientKey.of("urn:test:mrn", "TEST-0003");
        List<StateTransfer> parts = new StateTransfer(RETIRED, other, whole.cause(), whole.entries()).parts(300);
        assertThat(parts).hasSizeGreaterThan(2);
        TestInputTopic<String, String> transferIn = driver.createInputTopic(TRANSFER_TOPIC, new StringSerializer(),
                new StringSerializer());
        parts.forEach(p -> transferIn.pipeInput(other, p.toJson()));
        assertThat(entries(other)).extracting(e -> e.key.substring(other.length()), e -> e.value)
                .containsExactlyInAnyOrderElementsOf(entries(SURVIVOR).stream()
                        .map(e -> tuple(e.key.substring(SURVIVOR.length()), e.value)).toList());
        Map<String, ChunkSet> last = new HashMap<>();
        sets().forEach(x -> last.put(x.sourceId(), x));
        assertThat(last.keySet()).containsExactlyInAnyOrder("Encounter/e0", "Encounter/e1",
                PatientSummary.sourceId(other));
        for (ChunkSet w : fromWhole) {
            ChunkSet p = last.get(w.sourceId().equals(PatientSummary.sourceId(SURVIVOR))
                    ? PatientSummary.sourceId(other) : w.sourceId());
            assertThat(p.chunks()).extracting(Chunk::text, Chunk::phiKinds)
                    .isEqualTo(w.chunks().stream().map(c -> tuple(c.text(), c.phiKinds())).toList());
        }
    }

    @Test
    void aTransferThatCannotBeAppliedIsDeadLetteredWithItsBytes() {
        var dlqSpec = Topics.dlq(Topics.APP_CHUNKER);
        TestOutputTopic<String, byte[]> dlq = driver.createOutputTopic(dlqSpec.name(), new StringDeserializer(),
                new ByteArrayDeserializer());
        driver.createInputTopic(TRANSFER_TOPIC, new StringSerializer(), new StringSerializer())
                .pipeInput(SURVIVOR, "{not json");
        assertThat(dlq.readRecordsToList()).singleElement().satisfies(r -> {
            assertThat(SchemaValidator.problems(dlqSpec, r.value())).isEmpty();
            var letter = dlqSpec.valueSerde().deserializer().deserialize(dlqSpec.name(), r.value());
            assertThat(letter.reasonCode()).isEqualTo("MERGE_TRANSFER_ERROR");
            assertThat(new String(letter.original(), StandardCharsets.UTF_8)).isEqualTo("{not json");
        });
        assertThat(out.isEmpty()).isTrue();
    }

    @Test
    void aMergeOfAPatientWithNoStateSendsNoTransfer() {
        send(SURVIVOR, "Condition", "c9", AggregationTopologyTest.condition("c9", "e9", "active"));
        sets();
        merge();
        assertThat(transfers.isEmpty()).isTrue();
        assertThat(sets()).extracting(ChunkSet::patientKey, ChunkSet::op).containsExactly(
                tuple(RETIRED, RecordOp.MERGE));
        assertThat(entries(SURVIVOR)).isNotEmpty();
    }

    // The CI chaos finding (RELIABILITY.md series 2, trial 12): a record of the retired patient that reaches the
    // chunker after the MERGE (another ingress was slower, or the normaliser restarted mid-merge) built a new
    // encounter story under the retired key, whose rows the sink had already moved; the survivor's story lacked
    // the fact. Now the retired patient's task sends it on to the survivor's, behind the MERGE's own transfer.
    @Test
    void aLateRecordOfTheRetiredPatientJoinsTheSurvivorsStoryInsteadOfStartingOneUnderTheRetiredKey() {
        retiredPatientHistory();
        send(SURVIVOR, "Observation", "o2", AggregationTopologyTest.observation("o2", "e1", "6.1",
                "2024-03-01T11:00:00Z"));
        sets();
        merge();
        transfers.readRecordsToList();
        sets();

        send(RETIRED, "Observation", "o4", AggregationTopologyTest.observation("o4", "e1", "8.8",
                "2024-03-01T13:00:00Z"));

        assertThat(transfers.readRecordsToList()).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(SURVIVOR);
            assertThat(r.value()).contains("\"hops\":1");
        });
        List<ChunkSet> sets = sets();
        assertThat(sets).extracting(ChunkSet::patientKey, ChunkSet::op, ChunkSet::sourceId).containsExactly(
                tuple(SURVIVOR, RecordOp.UPSERT, "Encounter/e1"));
        assertThat(text(sets.get(0))).contains("7.9", "6.1", "8.8");
        assertThat(sets.get(0).chunks()).flatExtracting(Chunk::cites).contains("Observation/o1", "Observation/o2",
                "Observation/o4");
        assertThat(entries(RETIRED)).isEmpty();
        assertThat(driver.getKeyValueStore(StateStores.MERGED_INTO).get(RETIRED)).isEqualTo(SURVIVOR);
    }

    @Test
    void aLateRetractionOfTheRetiredPatientRemovesTheMovedResourceFromTheSurvivor() {
        retiredPatientHistory();
        sets();
        merge();
        sets();
        in.pipeInput(RETIRED, bytes(new FhirRecord(RETIRED, RecordOp.DELETE, "AllergyIntolerance", "a1", "2", null,
                null, TestSupport.provenance())));
        List<ChunkSet> sets = sets();
        assertThat(sets).extracting(ChunkSet::patientKey, ChunkSet::sourceId).containsExactly(
                tuple(SURVIVOR, "AllergyIntolerance/a1"), tuple(SURVIVOR, PatientSummary.sourceId(SURVIVOR)));
        assertThat(text(sets.get(1))).contains("Metformin").doesNotContain("Penicillin");
        assertThat(entries(RETIRED)).isEmpty();
    }

    @Test
    void aRedirectedRecordIsNotSentOnAgainAfterAChainOfMerges() {
        String third = PatientKey.of("urn:test:mrn", "TEST-0003");
        retiredPatientHistory();
        merge();
        in.pipeInput(SURVIVOR, bytes(new FhirRecord(SURVIVOR, RecordOp.MERGE, "Patient", "p-2", "6", null, null,
                TestSupport.provenance(), third)));
        transfers.readRecordsToList();
        sets();
        send(RETIRED, "MedicationRequest", "m7", medication("m7", "active").replace("Metformin", "Aspirin"));
        // One hop (MergeRedirects.MAX_HOPS): chunked under the first survivor, which the sink files under the
        // third; never circled or lost.
        assertThat(transfers.readRecordsToList()).hasSize(1);
        assertThat(sets()).extracting(ChunkSet::patientKey, ChunkSet::sourceId).contains(
                tuple(SURVIVOR, "MedicationRequest/m7"));
    }
}
