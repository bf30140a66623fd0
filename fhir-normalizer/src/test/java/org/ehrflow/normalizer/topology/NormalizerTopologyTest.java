package org.ehrflow.normalizer.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.ehrflow.normalizer.NormalizerConfig;
import org.ehrflow.normalizer.error.ReasonCodes;
import org.ehrflow.normalizer.mapping.CdcMapperTest;
import org.ehrflow.normalizer.mapping.Fixtures;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.DlqHeaders;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.RecordOp;
import org.ehrflow.schemas.SchemaValidator;
import org.ehrflow.schemas.TopicSpec;
import org.ehrflow.schemas.Topics;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NormalizerTopologyTest {

    static final String KEY = PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "12345");
    // PID.3 12345 of HOSP, PV1.19 V100, one OBR with one NM OBX
    static final String ORU = Fixtures.er7(
            "MSH|^~\\&|LAB|HOSP|EHR|HOSP|20240102030405||ORU^R01|MSG-9|P|2.5.1",
            "PID|1||12345^^^HOSP^MR||Doe^Jane",
            "PV1|1|I|||||||||||||||||V100^^^HOSP",
            "OBR|1||F-1^LAB|GLU^Glucose^L|||20240102020000",
            "OBX|1|NM|GLU^Glucose^L||5.4|mmol/L|||||F");
    static final String BUNDLE = """
            {"resourceType":"Bundle","type":"collection","entry":[
             {"fullUrl":"urn:uuid:pat-1","resource":{"resourceType":"Patient","id":"pat-1",
              "identifier":[{"system":"http://hospital.example.org/mrn","value":"12345"}]}},
             {"fullUrl":"urn:uuid:c-1","resource":{"resourceType":"Condition","id":"c-1",
              "code":{"text":"Asthma"},"subject":{"reference":"urn:uuid:pat-1"}}},
             {"fullUrl":"urn:uuid:org-1","resource":{"resourceType":"Organization","id":"org-1"}}]}""";

    @TempDir
    Path stateDir;
    private TopologyTestDriver driver;
    private SimpleMeterRegistry registry;
    private TestInputTopic<String, byte[]> hl7;
    private TestInputTopic<String, byte[]> fhir;
    private TestInputTopic<String, byte[]> cdc;
    private TestOutputTopic<String, byte[]> out;
    private TestOutputTopic<String, byte[]> dlq;

    @BeforeEach
    void start() {
        NormalizerConfig config = NormalizerConfig.defaults(KafkaSettings.of("unused:9092")).withStateDir(stateDir);
        registry = new SimpleMeterRegistry();
        driver = new TopologyTestDriver(NormalizerTopology.build(config, new NormalizerMetrics(registry)),
                config.streamsProperties());
        hl7 = input(Topics.RAW_HL7V2);
        fhir = input(Topics.RAW_FHIR);
        cdc = input(Topics.RAW_CDC);
        out = driver.createOutputTopic(Topics.FHIR_RESOURCES.name(), Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
        dlq = driver.createOutputTopic(Topics.dlq(Topics.APP_FHIR_NORMALIZER).name(), Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void hl7MessageBecomesValidRecordsKeyedByPatientWithRawPosition() {
        hl7.pipeInput(KEY, raw(Topics.RAW_HL7V2, Fixtures.hl7(ORU)));

        List<TestRecord<String, FhirRecord>> records = records();
        assertThat(records).extracting(r -> r.getValue().resourceType())
                .containsExactly("Patient", "Encounter", "Observation", "DiagnosticReport");
        assertThat(records).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo(KEY);
            assertThat(r.getValue().provenance().rawTopic()).isEqualTo(Topics.RAW_HL7V2.name());
            assertThat(r.getValue().provenance().rawPartition()).isZero();
            assertThat(r.getValue().provenance().rawOffset()).isZero();
        });
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void fhirBundleSplitsAndSkipsAdministrativeResources() {
        fhir.pipeInput("b-1", raw(Topics.RAW_FHIR, Fixtures.fhir(BUNDLE)));

        assertThat(records()).extracting(r -> r.getValue().reference())
                .containsExactly("Patient/p-" + KEY.substring(3), "Condition/c-1");
        assertThat(registry.get("ehrflow.normalizer.resources.skipped").tag("resource_type", "Organization")
                .counter().count()).isEqualTo(1.0);
    }

    @Test
    void manyRecordsWaitingForOnePatientAreParkedOneEntryEachAndReleasedInOrder() {
        int n = 60; // a bulk export parks thousands; as one growing list they outgrew the 1 MB record limit
        for (int i = 0; i < n; i++) {
            fhir.pipeInput("o-" + i, raw(Topics.RAW_FHIR, Fixtures.fhir(observationOf("pat-9", i))));
        }
        assertThat(out.isEmpty()).as("every observation waits for its patient").isTrue();
        KeyValueStore<String, ParkedRecords> store = driver.getKeyValueStore(NormalizerTopology.FHIR_PENDING_STORE);
        List<Integer> sizes = new ArrayList<>();
        try (KeyValueIterator<String, ParkedRecords> it = store.all()) {
            it.forEachRemaining(kv -> sizes.add(kv.value.records().size()));
        }
        assertThat(sizes).hasSize(n).containsOnly(1);

        // A list written under the bare link key before this layout is released too, and first (it is older).
        String link = onlyLinkKey(store);
        store.put(link, new ParkedRecords(List.of(parkedObservation("pat-9", -1, 0), parkedObservation("pat-9", -2,
                1))));

        fhir.pipeInput("p-9", raw(Topics.RAW_FHIR, Fixtures.fhir("""
                {"resourceType":"Bundle","type":"collection","entry":[
                 {"fullUrl":"urn:uuid:pat-9","resource":{"resourceType":"Patient","id":"pat-9",
                  "identifier":[{"system":"http://hospital.example.org/mrn","value":"999"}]}}]}""")));

        List<String> observations = records().stream().map(r -> r.getValue().reference())
                .filter(ref -> ref.startsWith("Observation/")).toList();
        List<String> expected = new ArrayList<>(List.of("Observation/o--1", "Observation/o--2"));
        for (int i = 0; i < n; i++) {
            expected.add("Observation/o-" + i);
        }
        assertThat(observations).containsExactlyElementsOf(expected);
        try (KeyValueIterator<String, ParkedRecords> it = store.all()) {
            assertThat(it.hasNext()).as("nothing left waiting").isFalse();
        }
    }

    private static String observationOf(String patientId, int i) {
        return """
                {"resourceType":"Bundle","type":"collection","entry":[
                 {"fullUrl":"http://ehr.example.org/fhir/Observation/o-%d","resource":{"resourceType":"Observation",
                  "id":"o-%d","status":"final","code":{"text":"Glucose"},"valueQuantity":{"value":%d,"unit":"mg/dL"},
                  "subject":{"reference":"Patient/%s"}}}]}""".formatted(i, i, Math.abs(i), patientId);
    }

    private static ParkedRecords.Parked parkedObservation(String patientId, int i, long offset) {
        return new ParkedRecords.Parked("o" + i, Topics.RAW_FHIR.name(), 0, offset,
                raw(Topics.RAW_FHIR, Fixtures.fhir(observationOf(patientId, i))));
    }

    private static String onlyLinkKey(KeyValueStore<String, ParkedRecords> store) {
        try (KeyValueIterator<String, ParkedRecords> it = store.all()) {
            String key = it.next().key;
            return key.substring(0, key.indexOf(NormalizeProcessor.PARK_SEPARATOR));
        }
    }

    @Test
    void cdcInsertUpdateDeleteAndAParkedNoteReleasedByItsPatient() {
        // Snapshot order is not guaranteed: the note and its encounter arrive before the patient.
        cdc.pipeInput("ehr-patient:7", cdcRaw("r", "notes", CdcMapperTest.noteRow("final")));
        cdc.pipeInput("ehr-patient:7", cdcRaw("r", "encounters", CdcMapperTest.ENCOUNTER_ROW));
        assertThat(out.isEmpty()).isTrue();
        assertThat(registry.get("ehrflow.normalizer.records.parked").counter().count()).isEqualTo(2.0);

        cdc.pipeInput("ehr-patient:7", cdcRaw("r", "patients", CdcMapperTest.PATIENT_ROW));
        List<TestRecord<String, FhirRecord>> released = records();
        // the patient, then the encounter it released, then the note the encounter released
        assertThat(released).extracting(r -> r.getValue().resourceType())
                .containsExactly("Patient", "Encounter", "DocumentReference");
        assertThat(released).allSatisfy(r -> assertThat(r.key()).isEqualTo(KEY));
        // the parked note keeps the position it was read from
        assertThat(released.get(2).getValue().provenance().rawOffset()).isZero();

        cdc.pipeInput("ehr-patient:7", cdcRaw("u", "notes", CdcMapperTest.noteRow("amended")));
        cdc.pipeInput("ehr-patient:7", cdcRaw("d", "notes", CdcMapperTest.noteRow("amended")));
        List<TestRecord<String, FhirRecord>> changes = records();
        assertThat(changes).extracting(r -> r.getValue().op()).containsExactly(RecordOp.UPSERT, RecordOp.DELETE);
        assertThat(changes).extracting(r -> r.getValue().reference())
                .containsOnly("DocumentReference/cdc-note-11");
        // the note was released twice: by its patient (then re-parked for its encounter) and by its encounter
        assertThat(registry.get("ehrflow.normalizer.records.released").counter().count()).isEqualTo(3.0);
        assertThat(registry.get("ehrflow.normalizer.records.parked").counter().count()).isEqualTo(3.0);
    }

    @Test
    void corruptAndRejectedRecordsGoToTheDlqWithReasonAndOriginalBytes() {
        byte[] corrupt = "\u0000not a raw message".getBytes(StandardCharsets.UTF_8);
        hl7.pipeInput("k1", corrupt);
        hl7.pipeInput("k2", raw(Topics.RAW_HL7V2, Fixtures.hl7(ORU.replace("ORU^R01", "ADT^A41"))));
        hl7.pipeInput(KEY, raw(Topics.RAW_HL7V2, Fixtures.hl7(ORU))); // the app keeps going

        List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).hasSize(2);
        assertThat(header(dead.get(0), DlqHeaders.REASON)).isEqualTo(ReasonCodes.RAW_DESERIALIZATION_ERROR);
        assertThat(header(dead.get(0), DlqHeaders.SOURCE_TOPIC)).isEqualTo(Topics.RAW_HL7V2.name());
        assertThat(header(dead.get(0), DlqHeaders.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(header(dead.get(1), DlqHeaders.REASON)).isEqualTo(ReasonCodes.HL7_UNSUPPORTED_TYPE);
        TopicSpec<String, DeadLetter> spec = Topics.dlq(Topics.APP_FHIR_NORMALIZER);
        for (TestRecord<String, byte[]> d : dead) {
            assertThat(SchemaValidator.problems(spec, d.value())).isEmpty();
        }
        DeadLetter first = spec.valueSerde().deserializer().deserialize(spec.name(), dead.get(0).value());
        assertThat(first.original()).isEqualTo(corrupt);
        assertThat(first.errorClass()).isEqualTo("SerializationException");
        assertThat(dead.get(0).key()).isEqualTo("k1");
        assertThat(records()).hasSize(4);
        assertThat(registry.get("ehrflow.normalizer.records.dlq").tag("reason", ReasonCodes.HL7_UNSUPPORTED_TYPE)
                .counter().count()).isEqualTo(1.0);
    }

    @Test
    void mergeKeepsItsTargetThroughTheTopology() {
        // ADT^A40: PID.3 12345 survives, MRG.1 99999 of HOSP is retired
        String a40 = Fixtures.er7("MSH|^~\\&|ADT|HOSP|EHR|HOSP|20240102030405||ADT^A40^ADT_A39|MSG-40|P|2.5.1",
                "EVN|A40|20240102", "PID|1||12345^^^HOSP^MR||Doe^Jane", "MRG|99999^^^HOSP^MR");
        hl7.pipeInput(KEY, raw(Topics.RAW_HL7V2, Fixtures.hl7(a40)));

        List<TestRecord<String, FhirRecord>> records = records();
        String retired = PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "99999");
        assertThat(records).extracting(r -> r.getValue().op()).containsExactly(RecordOp.UPSERT, RecordOp.MERGE);
        assertThat(records.get(1).key()).isEqualTo(retired);
        assertThat(records.get(1).getValue().targetPatientKey()).isEqualTo(KEY);
        assertThat(registry.get("ehrflow.normalizer.records.out").tag("op", "MERGE").counter().count()).isEqualTo(1.0);
    }

    @Test
    void unmappedSegmentsAreCountedByName() {
        hl7.pipeInput(KEY, raw(Topics.RAW_HL7V2, Fixtures.hl7(ORU + "\rIN1|1|PLAN1\rZXY|1"))); // IN1, a Z segment

        assertThat(records()).hasSize(4);
        assertThat(registry.get("ehrflow.normalizer.segments.unmapped").tag("segment", "IN1").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.get("ehrflow.normalizer.segments.unmapped").tag("segment", "ZXY").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void loneFhirResourceWaitsForItsPatient() {
        String obs = """
                {"resourceType":"Observation","id":"o-1","status":"final","code":{"text":"HR"},
                 "subject":{"reference":"Patient/pat-1"}}""";
        fhir.pipeInput("fhir-patient:pat-1", raw(Topics.RAW_FHIR, Fixtures.fhir(obs)));
        assertThat(out.isEmpty()).isTrue();
        fhir.pipeInput("fhir-patient:pat-1", raw(Topics.RAW_FHIR, Fixtures.fhir(BUNDLE)));
        assertThat(records()).extracting(r -> r.getValue().reference())
                .containsExactly("Patient/p-" + KEY.substring(3), "Condition/c-1", "Observation/o-1");
    }

    /** Reads every output record, asserting each validates against the contract's JSON Schema. */
    private List<TestRecord<String, FhirRecord>> records() {
        List<TestRecord<String, FhirRecord>> all = new ArrayList<>();
        for (TestRecord<String, byte[]> r : out.readRecordsToList()) {
            assertThat(SchemaValidator.problems(Topics.FHIR_RESOURCES, r.value())).isEmpty();
            FhirRecord v = Topics.FHIR_RESOURCES.valueSerde().deserializer().deserialize("t", r.value());
            all.add(new TestRecord<>(r.key(), v, r.headers(), r.getRecordTime()));
        }
        return all;
    }

    private TestInputTopic<String, byte[]> input(TopicSpec<String, RawMessage> t) {
        return driver.createInputTopic(t.name(), Serdes.String().serializer(), Serdes.ByteArray().serializer());
    }

    private static byte[] raw(TopicSpec<String, RawMessage> t, RawMessage m) {
        return t.valueSerde().serializer().serialize(t.name(), m);
    }

    private static byte[] cdcRaw(String op, String table, String row) {
        return raw(Topics.RAW_CDC, Fixtures.cdc(CdcMapperTest.envelope(op, table, row)));
    }

    private static String header(TestRecord<String, byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
