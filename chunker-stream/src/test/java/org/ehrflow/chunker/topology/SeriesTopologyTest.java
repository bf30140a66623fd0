package org.ehrflow.chunker.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
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
import org.ehrflow.chunker.chunking.aggregate.ObservationSeries;
import org.ehrflow.runtime.KafkaSettings;
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

/** Observation series through the real topology: incremental updates, date order, retractions, code moves, merge. */
class SeriesTopologyTest {

    private static final String PK = TestSupport.PATIENT;
    private static final String SURVIVOR = PatientKey.of("urn:test:mrn", "TEST-0002");
    private static final String A1C = ObservationSeries.sourceId("http://loinc.org|4548-4");
    private static final String LDL = ObservationSeries.sourceId("http://loinc.org|18262-6");

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> in;
    private TestOutputTopic<String, byte[]> out;

    @TempDir
    Path stateDir;

    @BeforeEach
    void start() {
        ChunkerConfig config = ChunkerConfig.defaults(KafkaSettings.of("unused:9092"), stateDir);
        driver = new TopologyTestDriver(ChunkerTopology.build(TestSupport.chunker(config.chunking()),
                new ChunkerMetrics(new SimpleMeterRegistry())), config.streamsProperties());
        in = driver.createInputTopic(Topics.FHIR_RESOURCES.name(), new StringSerializer(), new ByteArraySerializer());
        out = driver.createOutputTopic(Topics.CHUNKS.name(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    static String result(String id, String loinc, String value, String date, String enc) {
        return "{\"resourceType\":\"Observation\",\"id\":\"" + id + "\",\"status\":\"final\",\"code\":{\"coding\":"
                + "[{\"system\":\"http://loinc.org\",\"code\":\"" + loinc + "\",\"display\":\"Lab " + loinc + "\"}]},"
                + (enc == null ? "" : "\"encounter\":{\"reference\":\"Encounter/" + enc + "\"},")
                + "\"effectiveDateTime\":\"" + date + "\",\"valueQuantity\":{\"value\":" + value + ",\"unit\":\"%\"}}";
    }

    private void send(String pk, String id, String json) {
        in.pipeInput(pk, bytes(new FhirRecord(pk, RecordOp.UPSERT, "Observation", id, "1", null, json,
                TestSupport.provenance())));
    }

    private static byte[] bytes(FhirRecord rec) {
        return Topics.FHIR_RESOURCES.valueSerde().serializer().serialize(Topics.FHIR_RESOURCES.name(), rec);
    }

    /** The series sets emitted since the last call (stories and own sets left out). */
    private List<ChunkSet> series() {
        return out.readRecordsToList().stream().map(r -> {
            assertThat(SchemaValidator.problems(Topics.CHUNKS, r.value())).isEmpty();
            return Topics.CHUNKS.valueSerde().deserializer().deserialize(Topics.CHUNKS.name(), r.value());
        }).filter(s -> s.sourceId().startsWith("Observation/series-")).toList();
    }

    private static String body(ChunkSet s) {
        String text = s.chunks().get(0).text();
        return text.substring(text.indexOf('\n') + 1);
    }

    @Test
    void eachResultUpdatesItsSeriesInDateOrderWhateverTheArrivalOrder() {
        send(PK, "o2", result("o2", "4548-4", "7.1", "2023-06-01", "e2"));
        assertThat(series()).singleElement().satisfies(s -> {
            assertThat(s.sourceId()).isEqualTo(A1C);
            assertThat(s.op()).isEqualTo(RecordOp.UPSERT);
            assertThat(s.chunks().get(0).text()).startsWith("Observation series | Lab 4548-4 (LOINC 4548-4)\n");
            assertThat(body(s)).isEqualTo("1 result, 2023-06-01, newest first:\n2023-06-01: 7.1 %");
        });
        send(PK, "o3", result("o3", "4548-4", "6.4", "2024-01-15", null));
        // A late, older result lands in date order, not at the top.
        send(PK, "o1", result("o1", "4548-4", "8.2", "2022-11-30", "e1"));
        List<ChunkSet> sets = series();
        assertThat(sets).hasSize(2);
        assertThat(body(sets.get(1))).isEqualTo("3 results, 2022-11-30 to 2024-01-15, newest first:\n"
                + "2024-01-15: 6.4 %\n2023-06-01: 7.1 %\n2022-11-30: 8.2 %");
        assertThat(sets.get(1).chunks().get(0).cites()).containsExactly("Observation/o3", "Observation/o2",
                "Observation/o1");
        assertThat(sets.get(1).chunks().get(0).chunkId()).isEqualTo(A1C + "#0");
        // Another code is another series; an unchanged re-send emits nothing.
        send(PK, "l1", result("l1", "18262-6", "130", "2023-06-01", "e2"));
        send(PK, "o1", result("o1", "4548-4", "8.2", "2022-11-30", "e1"));
        assertThat(series()).extracting(ChunkSet::sourceId).containsExactly(LDL);
        // A corrected value replaces the old one in place.
        send(PK, "o1", result("o1", "4548-4", "8.0", "2022-11-30", "e1"));
        assertThat(series()).singleElement().satisfies(s -> assertThat(body(s)).endsWith("2022-11-30: 8 %")
                .doesNotContain("8.2"));
    }

    @Test
    void retractedResultsLeaveTheirSeriesAndAnEmptySeriesIsRetracted() {
        send(PK, "o1", result("o1", "4548-4", "8.2", "2022-11-30", "e1"));
        send(PK, "o2", result("o2", "4548-4", "7.1", "2023-06-01", "e2"));
        series();
        // Entered in error: out of the series.
        send(PK, "o2", result("o2", "4548-4", "7.1", "2023-06-01", "e2")
                .replace("\"final\"", "\"entered-in-error\""));
        assertThat(series()).singleElement().satisfies(s -> {
            assertThat(body(s)).isEqualTo("1 result, 2022-11-30, newest first:\n2022-11-30: 8.2 %");
            assertThat(s.chunks().get(0).cites()).containsExactly("Observation/o1");
        });
        // A coding correction moves the result to the other code's series; the old one, now empty, is retracted.
        send(PK, "o1", result("o1", "18262-6", "130", "2022-11-30", "e1"));
        assertThat(series()).extracting(ChunkSet::sourceId, ChunkSet::op).containsExactly(
                tuple(A1C, RecordOp.DELETE), tuple(LDL, RecordOp.UPSERT));
        // DELETE of the last result: the series is retracted.
        in.pipeInput(PK, bytes(new FhirRecord(PK, RecordOp.DELETE, "Observation", "o1", "3", null, null,
                TestSupport.provenance())));
        assertThat(series()).extracting(ChunkSet::sourceId, ChunkSet::op).containsExactly(
                tuple(LDL, RecordOp.DELETE));
        // A result that loses its value leaves its series too.
        send(PK, "o4", result("o4", "4548-4", "6.0", "2024-02-01", null));
        series();
        send(PK, "o4", result("o4", "4548-4", "6.0", "2024-02-01", null)
                .replace(",\"valueQuantity\":{\"value\":6.0,\"unit\":\"%\"}", ""));
        assertThat(series()).extracting(ChunkSet::sourceId, ChunkSet::op).containsExactly(
                tuple(A1C, RecordOp.DELETE));
    }

    @Test
    void aMergeCombinesBothPatientsSeriesUnderTheSurvivor() {
        send(PK, "o1", result("o1", "4548-4", "8.2", "2022-11-30", "e1"));
        send(SURVIVOR, "o2", result("o2", "4548-4", "7.1", "2023-06-01", "e2"));
        series();
        in.pipeInput(PK, bytes(new FhirRecord(PK, RecordOp.MERGE, "Patient", "p-1", "5", null, null,
                TestSupport.provenance(), SURVIVOR)));
        assertThat(series()).singleElement().satisfies(s -> {
            assertThat(s.patientKey()).isEqualTo(SURVIVOR);
            assertThat(s.sourceId()).isEqualTo(A1C);
            assertThat(body(s)).isEqualTo("2 results, 2022-11-30 to 2023-06-01, newest first:\n"
                    + "2023-06-01: 7.1 %\n2022-11-30: 8.2 %");
        });
        // The moved result is the survivor's now: its retraction updates the survivor's series.
        in.pipeInput(SURVIVOR, bytes(new FhirRecord(SURVIVOR, RecordOp.DELETE, "Observation", "o1", "3", null,
                null, TestSupport.provenance())));
        assertThat(series()).singleElement().satisfies(s -> {
            assertThat(s.patientKey()).isEqualTo(SURVIVOR);
            assertThat(s.chunks().get(0).cites()).containsExactly("Observation/o2");
        });
    }
}
