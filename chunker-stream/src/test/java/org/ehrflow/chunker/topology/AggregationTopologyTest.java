package org.ehrflow.chunker.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.ehrflow.chunker.ChunkerConfig;
import org.ehrflow.chunker.TestSupport;
import org.ehrflow.chunker.chunking.aggregate.PatientSummary;
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

/** Encounter stories, the patient summary, retractions, merges and patient-aware PHI through the real topology. */
class AggregationTopologyTest {

    private static final String PK = TestSupport.PATIENT;
    private static final String SURVIVOR = PatientKey.of("urn:test:mrn", "TEST-0002");

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> in;
    private TestOutputTopic<String, byte[]> out;

    @org.junit.jupiter.api.io.TempDir
    Path stateDir;

    @BeforeEach
    void start() {
        // Production builder and properties; a private state dir, since the stores are persistent (RocksDB).
        ChunkerConfig config = ChunkerConfig.defaults(org.ehrflow.runtime.KafkaSettings.of("unused:9092"), stateDir);
        driver = new TopologyTestDriver(ChunkerTopology.build(TestSupport.chunker(config.chunking()),
                new ChunkerMetrics(new SimpleMeterRegistry())), config.streamsProperties());
        in = driver.createInputTopic(Topics.FHIR_RESOURCES.name(), new StringSerializer(), new ByteArraySerializer());
        out = driver.createOutputTopic(Topics.CHUNKS.name(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    // Minimal synthetic resources: only the fields the renderers and rules read.
    static String encounter(String id) {
        return "{\"resourceType\":\"Encounter\",\"id\":\"" + id
                + "\",\"status\":\"finished\",\"class\":{\"code\":\"AMB\"},"
                + "\"type\":[{\"text\":\"Follow-up visit\"}],\"period\":{\"start\":\"2024-03-01T09:00:00Z\"}}";
    }

    static String observation(String id, String enc, String value, String time) {
        return "{\"resourceType\":\"Observation\",\"id\":\"" + id + "\",\"status\":\"final\","
                + "\"code\":{\"text\":\"Hemoglobin A1c\"},"
                + (enc == null ? "" : "\"encounter\":{\"reference\":\"Encounter/" + enc + "\"},")
                + "\"effectiveDateTime\":\"" + time + "\",\"valueQuantity\":{\"value\":" + value + ",\"unit\":\"%\"}}";
    }

    static String condition(String id, String enc, String status) {
        return "{\"resourceType\":\"Condition\",\"id\":\"" + id + "\",\"clinicalStatus\":{\"coding\":[{\"code\":\""
                + status + "\"}]},\"code\":{\"text\":\"Type 2 diabetes mellitus\"},"
                + "\"encounter\":{\"reference\":\"Encounter/" + enc + "\"},\"onsetDateTime\":\"2024-03-01\"}";
    }

    private void send(String pk, String type, String id, String json) {
        in.pipeInput(pk, bytes(new FhirRecord(pk, RecordOp.UPSERT, type, id, "1", null, json,
                TestSupport.provenance())));
    }

    private void send(FhirRecord rec) {
        in.pipeInput(rec.patientKey(), bytes(rec));
    }

    private static byte[] bytes(FhirRecord rec) {
        return Topics.FHIR_RESOURCES.valueSerde().serializer().serialize(Topics.FHIR_RESOURCES.name(), rec);
    }

    // The observation series these Observations also join are SeriesTopologyTest's subject: left out here.
    private List<ChunkSet> sets() {
        return out.readRecordsToList().stream().map(r -> {
            assertThat(SchemaValidator.problems(Topics.CHUNKS, r.value())).isEmpty();
            ChunkSet s = Topics.CHUNKS.valueSerde().deserializer().deserialize(Topics.CHUNKS.name(), r.value());
            assertThat(r.key()).isEqualTo(s.patientKey());
            return s;
        }).filter(s -> !s.sourceId().startsWith("Observation/series-")).toList();
    }

    private static String text(ChunkSet s) {
        return String.join("\n", s.chunks().stream().map(Chunk::text).toList());
    }

    @Test
    void factsOfAnEncounterAreOneStoryReEmittedUnderTheSameChunkIds() {
        send(PK, "Encounter", "e1", encounter("e1"));
        send(PK, "Observation", "o1", observation("o1", "e1", "7.9", "2024-03-01T10:00:00Z"));
        send(PK, "Condition", "c1", condition("c1", "e1", "active"));
        List<ChunkSet> sets = sets();
        assertThat(sets).extracting(ChunkSet::sourceId).containsExactly("Encounter/e1", "Encounter/e1",
                "Encounter/e1", PatientSummary.sourceId(PK));
        ChunkSet story = sets.get(2);
        assertThat(story.op()).isEqualTo(RecordOp.UPSERT);
        assertThat(story.resourceType()).isEqualTo("Encounter");
        assertThat(story.encounterId()).isEqualTo("e1");
        assertThat(story.chunks()).singleElement().satisfies(c -> {
            assertThat(c.chunkId()).isEqualTo("Encounter/e1#0");
            assertThat(c.text()).startsWith("Encounter | 2024-03-01 | Encounter/e1\n")
                    .contains("Hemoglobin A1c").contains("7.9").contains("Type 2 diabetes mellitus");
            // The encounter's own sentences come first, then its facts in time order.
            assertThat(c.text().indexOf("Follow-up")).isLessThan(c.text().indexOf("Condition"));
            assertThat(c.text().indexOf("Condition")).isLessThan(c.text().indexOf("Hemoglobin"));
        });
        assertThat(sets.get(3).resourceType()).isEqualTo("Patient");
        assertThat(text(sets.get(3))).contains("Active problems").contains("Type 2 diabetes mellitus");

        // Re-sending an unchanged fact changes nothing (neither story nor series), so nothing is re-emitted.
        send(PK, "Observation", "o1", observation("o1", "e1", "7.9", "2024-03-01T10:00:00Z"));
        assertThat(out.isEmpty()).isTrue();
        // An update replaces the fact in place: same set, same chunk id, the old value is gone.
        send(PK, "Observation", "o1", observation("o1", "e1", "6.8", "2024-03-01T10:00:00Z"));
        assertThat(sets()).singleElement().satisfies(s -> {
            assertThat(s.chunks()).extracting(Chunk::chunkId).containsExactly("Encounter/e1#0");
            assertThat(text(s)).contains("6.8").doesNotContain("7.9");
        });
    }

    @Test
    void retractionsRemoveTheFactFromTheStoryAndTheSummary() {
        send(PK, "Encounter", "e1", encounter("e1"));
        send(PK, "Observation", "o1", observation("o1", "e1", "7.9", "2024-03-01T10:00:00Z"));
        send(PK, "Condition", "c1", condition("c1", "e1", "active"));
        sets();
        // FhirRecord DELETE of the observation: the story is re-emitted without it.
        send(new FhirRecord(PK, RecordOp.DELETE, "Observation", "o1", "2", null, null, TestSupport.provenance()));
        assertThat(sets()).singleElement().satisfies(s -> {
            assertThat(s.sourceId()).isEqualTo("Encounter/e1");
            assertThat(text(s)).doesNotContain("Hemoglobin").contains("diabetes");
        });
        // Entered in error: out of the story and out of the summary (now empty: DELETE).
        send(PK, "Condition", "c1", condition("c1", "e1", "active").replace("\"clinicalStatus\"",
                "\"verificationStatus\":{\"coding\":[{\"code\":\"entered-in-error\"}]},\"clinicalStatus\""));
        List<ChunkSet> sets = sets();
        assertThat(sets).extracting(ChunkSet::sourceId).containsExactly("Encounter/e1", PatientSummary.sourceId(PK));
        assertThat(text(sets.get(0))).doesNotContain("diabetes");
        assertThat(sets.get(1).op()).isEqualTo(RecordOp.DELETE);
        // A resolved condition stays in the story but leaves the summary.
        send(PK, "Condition", "c2", condition("c2", "e1", "active"));
        sets();
        send(PK, "Condition", "c2", condition("c2", "e1", "resolved"));
        sets = sets();
        assertThat(sets).extracting(ChunkSet::sourceId).containsExactly("Encounter/e1", PatientSummary.sourceId(PK));
        assertThat(text(sets.get(0))).contains("resolved");
        assertThat(sets.get(1).op()).isEqualTo(RecordOp.DELETE);
        // A cancelled encounter loses its head; with no facts left the whole story is retracted.
        send(new FhirRecord(PK, RecordOp.DELETE, "Condition", "c2", "3", null, null, TestSupport.provenance()));
        sets();
        send(PK, "Encounter", "e1", encounter("e1").replace("finished", "cancelled"));
        assertThat(sets()).singleElement().satisfies(s -> {
            assertThat(s.sourceId()).isEqualTo("Encounter/e1");
            assertThat(s.op()).isEqualTo(RecordOp.DELETE);
        });
    }

    @Test
    void aResourceWithoutEncounterKeepsItsOwnSetUntilItJoinsOne() {
        send(PK, "Observation", "o2", observation("o2", null, "5.5", "2024-02-01T10:00:00Z"));
        assertThat(sets()).singleElement().satisfies(s -> assertThat(s.sourceId()).isEqualTo("Observation/o2"));
        // Now it names an encounter: its own set is retracted, the story gains it.
        send(PK, "Observation", "o2", observation("o2", "e2", "5.5", "2024-02-01T10:00:00Z"));
        List<ChunkSet> sets = sets();
        assertThat(sets).extracting(ChunkSet::sourceId, ChunkSet::op).containsExactly(
                org.assertj.core.groups.Tuple.tuple("Observation/o2", RecordOp.DELETE),
                org.assertj.core.groups.Tuple.tuple("Encounter/e2", RecordOp.UPSERT));
        // Moved to another encounter: the old story is retracted (now empty), the new one gains it.
        send(PK, "Observation", "o2", observation("o2", "e3", "5.5", "2024-02-01T10:00:00Z"));
        assertThat(sets()).extracting(ChunkSet::sourceId, ChunkSet::op).containsExactly(
                org.assertj.core.groups.Tuple.tuple("Encounter/e2", RecordOp.DELETE),
                org.assertj.core.groups.Tuple.tuple("Encounter/e3", RecordOp.UPSERT));
    }

    @Test
    void aLongEncounterIsSplitInTimeOrderWithinTheBudgetAndNeverMixesEncounters() {
        send(PK, "Encounter", "e1", encounter("e1"));
        for (int i = 0; i < 30; i++) {
            send(PK, "Observation", "o" + i, observation("o" + i, "e1", String.valueOf(5 + i / 10.0),
                    String.format("2024-03-01T%02d:%02d:00Z", 10 + i / 60, i % 60)));
        }
        send(PK, "Observation", "other", observation("other", "e9", "9.9", "2024-03-01T10:00:00Z"));
        List<ChunkSet> sets = sets();
        ChunkSet last = sets.stream().filter(s -> s.sourceId().equals("Encounter/e1")).reduce((a, b)
                -> b).orElseThrow();
        assertThat(last.chunks()).hasSizeGreaterThan(1).allSatisfy(c -> {
            assertThat(c.tokenCount()).isLessThanOrEqualTo(128);
            assertThat(TestSupport.TOKENIZER.countTokens(c.text())).isLessThanOrEqualTo(128);
            assertThat(c.text()).doesNotContain("9.9");
        });
        String all = text(last);
        assertThat(all.indexOf("A1c: 5.1 %")).as(all).isNotNegative().isLessThan(all.indexOf("A1c: 5.2 %"));
        assertThat(all.indexOf("A1c: 5.9 %")).isLessThan(all.indexOf("A1c: 6 %"));
        assertThat(all.indexOf("A1c: 6 %")).isLessThan(all.indexOf("A1c: 7.9 %"));
        // No overlap in a story: every chunk after the header starts with a whole fact.
        assertThat(last.chunks()).allSatisfy(c
                -> assertThat(c.text().split("\n")[1]).matches("(Encounter|Hemoglobin).*"));
        assertThat(last.chunks()).extracting(Chunk::chunkId)
                .startsWith("Encounter/e1#0", "Encounter/e1#1");
    }

    @Test
    void namesLearnedFromPatientAndRelatedPersonAreTaggedAndDeidentified() {
        send(PK, "Patient", "p-1", "{\"resourceType\":\"Patient\",\"id\":\"p-1\",\"name\":[{\"family\":\"Quixano\","
                + "\"given\":[\"Zorblatt\"]}],\"identifier\":[{\"value\":\"QX-88213\"}],\"gender\":\"female\"}");
        send(PK, "RelatedPerson", "rp-1", "{\"resourceType\":\"RelatedPerson\",\"id\":\"rp-1\","
                + "\"patient\":{\"reference\":\"Patient/p-1\"},\"name\":[{\"family\":\"Quixano\",\"given\":[\"Elvira\"]}]}");
        String note = "Zorblatt came with her daughter Elvira. Chart QX-88213 reviewed. Plan: recheck A1c.";
        String b64 = Base64.getEncoder().encodeToString(note.getBytes(StandardCharsets.UTF_8));
        send(PK, "DocumentReference", "d1",
                "{\"resourceType\":\"DocumentReference\",\"id\":\"d1\",\"status\":\"current\","
                + "\"type\":{\"text\":\"Progress note\"},\"content\":[{\"attachment\":{\"contentType\":\"text/plain\","
                + "\"data\":\"" + b64 + "\"}}]}");
        List<ChunkSet> sets = sets();
        assertThat(sets).extracting(ChunkSet::sourceId).containsExactly("Patient/p-1", "DocumentReference/d1");
        assertThat(sets.get(0).chunks()).allSatisfy(c -> assertThat(c.text()).doesNotContain("Quixano"));
        Chunk c = sets.get(1).chunks().get(0);
        assertThat(c.phiPresent()).isTrue();
        assertThat(c.phiKinds()).contains("NAME", "IDENTIFIER");
        assertThat(c.deidentifiedText()).contains("[NAME-1]", "[NAME-2]", "[IDENTIFIER-1]")
                .doesNotContain("Zorblatt").doesNotContain("Elvira").doesNotContain("QX-88213");
    }

    @Test
    void storiesAndSummaryAreReTaggedWhenIdentityChangesTheirTagsAndOnlyThen() {
        // A fact whose text names a relative who is not known yet (no pattern finds "daughter Elvira").
        send(PK, "Condition", "c1", condition("c1", "e1", "active")
                .replace("Type 2 diabetes mellitus", "Type 2 diabetes mellitus per daughter Elvira"));
        List<ChunkSet> first = sets();
        assertThat(first).extracting(ChunkSet::sourceId).containsExactly("Encounter/e1", PatientSummary.sourceId(PK));
        assertThat(first).allSatisfy(s -> assertThat(text(s)).contains("Elvira"));
        assertThat(first).flatExtracting(ChunkSet::chunks).allSatisfy(c
                -> assertThat(c.phiKinds()).doesNotContain("NAME"));
        String relative = "{\"resourceType\":\"RelatedPerson\",\"id\":\"rp-1\",\"patient\":{\"reference\":"
                + "\"Patient/p-1\"},\"name\":[{\"family\":\"Quixano\",\"given\":[\"Elvira\"]}]}";
        // The name becomes known: both sets come again, same chunk ids and texts, now tagged and de-identified.
        send(PK, "RelatedPerson", "rp-1", relative);
        List<ChunkSet> retagged = sets();
        assertThat(retagged).extracting(ChunkSet::sourceId).containsExactly("Encounter/e1",
                PatientSummary.sourceId(PK));
        for (int i = 0; i < 2; i++) {
            assertThat(retagged.get(i).chunks()).extracting(Chunk::chunkId, Chunk::text, Chunk::contentHash)
                    .isEqualTo(first.get(i).chunks().stream()
                            .map(c -> org.assertj.core.groups.Tuple.tuple(c.chunkId(), c.text(),
                                    c.contentHash())).toList());
            assertThat(retagged.get(i).chunks()).anySatisfy(c -> {
                assertThat(c.phiKinds()).contains("NAME");
                assertThat(c.deidentifiedText()).contains("[NAME-1]").doesNotContain("Elvira");
            });
        }
        // The same identity again, or names that occur in no story or summary: nothing is re-tagged.
        send(PK, "RelatedPerson", "rp-1", relative);
        send(PK, "Patient", "p-1", "{\"resourceType\":\"Patient\",\"id\":\"p-1\",\"name\":[{\"family\":"
                + "\"Quixano\",\"given\":[\"Zorblatt\"]}],\"gender\":\"female\"}");
        assertThat(sets()).extracting(ChunkSet::sourceId).containsExactly("Patient/p-1");
        // The relative retracted: its DELETE, then both sets without the tag.
        send(new FhirRecord(PK, RecordOp.DELETE, "RelatedPerson", "rp-1", "2", null, null, TestSupport.provenance()));
        List<ChunkSet> untagged = sets();
        assertThat(untagged).extracting(ChunkSet::sourceId, ChunkSet::op).containsExactly(
                org.assertj.core.groups.Tuple.tuple("RelatedPerson/rp-1", RecordOp.DELETE),
                org.assertj.core.groups.Tuple.tuple("Encounter/e1", RecordOp.UPSERT),
                org.assertj.core.groups.Tuple.tuple(PatientSummary.sourceId(PK), RecordOp.UPSERT));
        assertThat(untagged.get(1).chunks()).isEqualTo(first.get(0).chunks());
        assertThat(untagged.get(2).chunks()).isEqualTo(first.get(1).chunks());
    }

    @Test
    void mergePassesTheMergeOnAndMovesTheRetiredPatientsFactsToTheSurvivor() {
        send(SURVIVOR, "Patient", "p-2", "{\"resourceType\":\"Patient\",\"id\":\"p-2\",\"gender\":\"male\"}");
        send(SURVIVOR, "Condition", "c9", condition("c9", "e9", "active").replace("Type 2 diabetes mellitus",
                "Asthma"));
        send(PK, "Condition", "c1", condition("c1", "e1", "active"));
        sets();
        send(new FhirRecord(PK, RecordOp.MERGE, "Patient", "p-1", "5", null, null, TestSupport.provenance(), SURVIVOR));
        List<ChunkSet> sets = sets();
        assertThat(sets).extracting(ChunkSet::patientKey, ChunkSet::op, ChunkSet::sourceId).containsExactly(
                org.assertj.core.groups.Tuple.tuple(PK, RecordOp.DELETE, PatientSummary.sourceId(PK)),
                org.assertj.core.groups.Tuple.tuple(PK, RecordOp.MERGE, "Patient/p-1"),
                // Applied in the survivor's task (here the same one, via the internal transfer topic).
                org.assertj.core.groups.Tuple.tuple(SURVIVOR, RecordOp.UPSERT, "Encounter/e1"),
                org.assertj.core.groups.Tuple.tuple(SURVIVOR, RecordOp.UPSERT, PatientSummary.sourceId(SURVIVOR)));
        assertThat(sets.get(1).targetPatientKey()).isEqualTo(SURVIVOR);
        assertThat(sets.get(1).chunks()).isEmpty();
        assertThat(text(sets.get(3))).contains("Asthma").contains("Type 2 diabetes mellitus");
        // The moved fact now belongs to the survivor: its retraction re-emits the survivor's story and summary.
        send(new FhirRecord(SURVIVOR, RecordOp.DELETE, "Condition", "c1", "6", null, null, TestSupport.provenance()));
        assertThat(sets()).extracting(ChunkSet::patientKey, ChunkSet::op, ChunkSet::sourceId).containsExactly(
                org.assertj.core.groups.Tuple.tuple(SURVIVOR, RecordOp.DELETE, "Encounter/e1"),
                org.assertj.core.groups.Tuple.tuple(SURVIVOR, RecordOp.UPSERT, PatientSummary.sourceId(SURVIVOR)));
    }
}
