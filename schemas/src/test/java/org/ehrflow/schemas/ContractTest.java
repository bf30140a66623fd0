package org.ehrflow.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class ContractTest {

    private static final Instant T = Instant.parse("2026-01-02T03:04:05Z");
    private static final Provenance PROV = Provenance.atIngress(SourceType.HL7V2, "LAB^HOSP", "MSG0001", T, T)
            .withRawPosition(Topics.RAW_HL7V2.name(), 2, 42);

    @Test
    void patientKeyIsStableOpaqueAndTrimmed() {
        String k = PatientKey.of("urn:oid:2.16.840.1.113883.19.5", "12345");
        assertThat(k).matches("pk_[0-9a-f]{32}").doesNotContain("12345");
        assertThat(PatientKey.of(" urn:oid:2.16.840.1.113883.19.5 ", "12345 ")).isEqualTo(k);
        assertThat(PatientKey.of("urn:oid:2.16.840.1.113883.19.5", "12346")).isNotEqualTo(k);
        // Fixed vector shared with the SQL twin ehrflow.patient_key() in the sink's migrations.
        assertThat(PatientKey.of("http://hospital.example.org/mrn",
                "MRN-1")).isEqualTo("pk_1b3e03e32600520710046abeaeb957ec");
        assertThat(PatientKey.unscoped("MFN^HOSP")).startsWith(PatientKey.UNSCOPED_PREFIX);
        assertThat(PatientKey.isPatient(k)).isTrue();
        assertThatThrownBy(() -> PatientKey.of("sys", " ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyValueTypeRoundTripsAndValidatesAgainstItsSchema() {
        RawMessage raw = new RawMessage(RawMessage.ContentType.HL7V2_ER7, PROV, "MSH|^~\\&|...");
        FhirRecord fhir = new FhirRecord(PatientKey.of("s", "v"), RecordOp.UPSERT, "Observation", "obs-1", "1",
                "enc-1", "{\"resourceType\":\"Observation\"}", PROV);
        Chunk chunk = new Chunk("DocumentReference/d1#0", 0, "Plan", "Plan: follow up.", 5,
                "a".repeat(64), false, List.of());
        ChunkSet set = new ChunkSet(fhir.patientKey(), RecordOp.UPSERT, "DocumentReference/d1", "DocumentReference",
                "1", "enc-1", "Progress note", List.of(chunk), PROV);
        ChunkSet delete = new ChunkSet(fhir.patientKey(), RecordOp.DELETE, "DocumentReference/d1",
                "DocumentReference", "2", null, null, List.of(), PROV);
        DeadLetter dl = new DeadLetter("hl7-listener", "HL7_PARSE_ERROR", "HL7Exception", null, -1, -1, "MSG0001", T,
                "garbage".getBytes(StandardCharsets.UTF_8));

        assertRoundTripValid(Topics.RAW_HL7V2, raw);
        assertRoundTripValid(Topics.RAW_FHIR, raw);
        assertRoundTripValid(Topics.RAW_CDC, raw);
        assertRoundTripValid(Topics.FHIR_RESOURCES, fhir);
        assertRoundTripValid(Topics.CHUNKS, set);
        assertRoundTripValid(Topics.CHUNKS, delete);
        assertRoundTripValid(Topics.dlq("hl7-listener"), dl);
        // Documents: extracted text with citations, and a chunk that cites a scanned page.
        Citation page = new Citation(3, 4, null, "Binary/b1", true, 71.5, false);
        DocumentText doc = new DocumentText(fhir.patientKey(), RecordOp.UPSERT, "DocumentReference", "d1", "2", null,
                "Discharge summary", "2024-01-02", List.of(new DocumentSection(null, "Plan: rest.", page),
                        new DocumentSection("Medications", "Metformin", Citation.of(null, null, "LOINC|10160-0",
                                null))),
                Map.of("pages", "4"), Map.of("alternate_rendition", 1), PROV);
        assertRoundTripValid(Topics.DOCUMENT_TEXT, doc);
        assertRoundTripValid(Topics.DOCUMENT_TEXT, new DocumentText(fhir.patientKey(), RecordOp.DELETE,
                "DocumentReference", "d1", "3", null, null, null, null, null, null, PROV));
        assertRoundTripValid(Topics.DOCUMENT_SLOW_LANE, fhir);
        assertRoundTripValid(Topics.CHUNKS, new ChunkSet(fhir.patientKey(), RecordOp.UPSERT, "DocumentReference/d1",
                "DocumentReference", "2", null, "Discharge summary", List.of(new Chunk("DocumentReference/d1#0", 0,
                        null, "Plan: rest.", 5, "a".repeat(64), false, List.of(), null, page)), PROV));
        assertThat(doc.toString()).doesNotContain("Metformin");
        String surviving = PatientKey.of("s", "survivor");
        assertRoundTripValid(Topics.FHIR_RESOURCES, new FhirRecord(fhir.patientKey(), RecordOp.MERGE, "Patient",
                "p-1", "MSG9", null, null, PROV, surviving));
        assertRoundTripValid(Topics.CHUNKS, new ChunkSet(fhir.patientKey(), RecordOp.MERGE, "Patient/p-1", "Patient",
                null, null, null, List.of(), PROV, surviving));
    }

    @Test
    void schemaRejectsAnUpsertWithoutAResourceAndAnOversizeChunk() {
        byte[] bad = ("{\"patientKey\":\"pk_" + "0".repeat(32) + "\",\"op\":\"UPSERT\",\"resourceType\":\"Patient\","
                + "\"resourceId\":\"p1\",\"provenance\":{\"sourceType\":\"FHIR\",\"sourceSystem\":\"x\","
                + "\"sourceMessageId\":\"p1\",\"rawPartition\":-1,\"rawOffset\":-1,\"ingestTime\":\"2026-01-01T00:00:00Z\"}}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(SchemaValidator.problems(Topics.FHIR_RESOURCES, bad)).isNotEmpty();
        assertThat(SchemaValidator.problems(Topics.FHIR_RESOURCES, "nope".getBytes(StandardCharsets.UTF_8)))
                .containsExactly("not JSON");
    }

    @Test
    void mergeNeedsASurvivingKeyAndNothingElseMayCarryOne() {
        assertThatThrownBy(() -> new FhirRecord(PatientKey.of("s", "v"), RecordOp.MERGE, "Patient", "p-1", null, null,
                null, PROV)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChunkSet(PatientKey.of("s", "v"), RecordOp.UPSERT, "Patient/p-1", "Patient", null,
                null, null, List.of(), PROV, PatientKey.of("s", "w"))).isInstanceOf(IllegalArgumentException.class);
        byte[] noTarget = ("{\"patientKey\":\"pk_" + "0".repeat(32)
                + "\",\"op\":\"MERGE\",\"resourceType\":\"Patient\","
                + "\"resourceId\":\"p1\",\"provenance\":{\"sourceType\":\"HL7V2\",\"sourceSystem\":\"x\","
                + "\"sourceMessageId\":\"m\",\"rawPartition\":-1,\"rawOffset\":-1,\"ingestTime\":\"2026-01-01T00:00:00Z\"}}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(SchemaValidator.problems(Topics.FHIR_RESOURCES, noTarget)).isNotEmpty();
    }

    @Test
    void deserializationErrorsNeverEchoThePayload() {
        byte[] phi = "{\"contentType\":\"HL7V2_ER7\",\"payload\":\"DOE^JOHN\"".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Topics.RAW_HL7V2.valueSerde().deserializer().deserialize("t", phi))
                .isInstanceOf(SerializationException.class)
                .hasMessageNotContaining("DOE");
    }

    @Test
    void toStringsHideClinicalText() {
        RawMessage raw = new RawMessage(RawMessage.ContentType.HL7V2_ER7, PROV, "PID|||123||DOE^JOHN");
        assertThat(raw.toString()).doesNotContain("DOE");
        Chunk chunk = new Chunk("c", 0, null, "John Doe has diabetes", 5, "a".repeat(64), true, List.of("NAME"));
        assertThat(chunk.toString()).doesNotContain("Doe");
    }

    @Test
    void documentRoutingGivesTheExtractorDocumentsAndReportsWithAPresentedForm() {
        String pk = PatientKey.of("s", "v");
        assertThat(DocumentRouting.ownedByExtractor(new FhirRecord(pk, RecordOp.UPSERT, "DocumentReference", "d",
                "1", null, "{}", PROV))).isTrue();
        assertThat(DocumentRouting.ownedByExtractor(new FhirRecord(pk, RecordOp.DELETE, "DocumentReference", "d",
                "1", null, null, PROV))).isTrue();
        assertThat(DocumentRouting.ownedByExtractor(new FhirRecord(pk, RecordOp.UPSERT, "DiagnosticReport", "r",
                "1", null, "{\"resourceType\":\"DiagnosticReport\",\"presentedForm\":[{\"url\":\"Binary/1\"}]}",
                PROV))).isTrue();
        assertThat(DocumentRouting.ownedByExtractor(new FhirRecord(pk, RecordOp.UPSERT, "DiagnosticReport", "r",
                "1", null, "{\"resourceType\":\"DiagnosticReport\"}", PROV))).isFalse();
        assertThat(DocumentRouting.ownedByExtractor(new FhirRecord(pk, RecordOp.UPSERT, "Observation", "o",
                "1", null, "{}", PROV))).isFalse();
    }

    @Test
    void allTopicsFollowTheNamingConvention() {
        assertThat(Topics.all()).extracting(TopicSpec::name)
                .allMatch(n -> n.matches("ehr\\.[a-z0-9]+\\.[a-z0-9\\-]+(\\.[a-z0-9\\-]+)?\\.v\\d+"))
                .doesNotHaveDuplicates();
    }

    private static <V> void assertRoundTripValid(TopicSpec<String, V> topic, V value) {
        byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), value);
        assertThat(SchemaValidator.problems(topic, bytes)).as(topic.name()).isEmpty();
        assertThat(topic.valueSerde().deserializer().deserialize(topic.name(), bytes)).isEqualTo(value);
    }
}
