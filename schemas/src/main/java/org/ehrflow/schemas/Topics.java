package org.ehrflow.schemas;

import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic of the pipeline with its serdes. All keyed topics share one partition count (co-partitioned by
 * patient key) so one patient's facts stay in order and the stateful chunker can join per patient.
 */
public final class Topics {

    private static final Serde<String> KEY = Serdes.String();

    /** Raw HL7 v2 messages from the MLLP listener, keyed by patient key (fallback: {@link PatientKey#unscoped}). */
    public static final TopicSpec<String, RawMessage> RAW_HL7V2 = raw("ehr.raw.hl7v2.v1");
    /** Raw FHIR R4 JSON (resources or Bundles) from FHIR publishers. */
    public static final TopicSpec<String, RawMessage> RAW_FHIR = raw("ehr.raw.fhir.v1");
    /** Raw Debezium change events from the EHR database, keyed by "ehr-patient:<EHR patients.id>" of the row. */
    public static final TopicSpec<String, RawMessage> RAW_CDC = raw("ehr.raw.cdc.v1");
    /** One FHIR R4 resource (or deletion) per record, keyed by patient key. */
    public static final TopicSpec<String, FhirRecord> FHIR_RESOURCES = new TopicSpec<>(
            "ehr.normalized.fhir-resource.v1", KEY, new JsonSerde<>(FhirRecord.class), FhirRecord.class,
            "/schemas/fhir-record.v1.schema.json");
    /** Chunk sets, keyed by patient key: each replaces the stored chunks of one source. */
    public static final TopicSpec<String, ChunkSet> CHUNKS = new TopicSpec<>(
            "ehr.chunked.chunk-set.v1", KEY, new JsonSerde<>(ChunkSet.class), ChunkSet.class,
            "/schemas/chunk-set.v1.schema.json");
    /**
     * Text extracted from document-bearing resources (the document extractor's fast lane and OCR lane), keyed
     * by patient key; read by the chunker when it runs with the extractor ({@link DocumentRouting}).
     */
    public static final TopicSpec<String, DocumentText> DOCUMENT_TEXT = new TopicSpec<>(
            "ehr.extracted.document-text.v1", KEY, new JsonSerde<>(DocumentText.class), DocumentText.class,
            "/schemas/document-text.v1.schema.json");
    /**
     * Documents that need OCR (scans, images, PDF pages without a text layer) or a fetch by reference: the
     * normalised record, moved off the fast lane so slow work never stalls small records behind it.
     */
    public static final TopicSpec<String, FhirRecord> DOCUMENT_SLOW_LANE = new TopicSpec<>(
            "ehr.extracted.slow-document.v1", KEY, new JsonSerde<>(FhirRecord.class), FhirRecord.class,
            "/schemas/fhir-record.v1.schema.json");

    /** Application ids; each names its DLQ topic. */
    public static final String APP_HL7_LISTENER = "hl7-listener";
    public static final String APP_FHIR_NORMALIZER = "fhir-normalizer";
    public static final String APP_CDC_CAPTURE = "cdc-capture";
    public static final String APP_CHUNKER = "chunker-stream";
    public static final String APP_EMBEDDER_SINK = "embedder-sink";
    /** The document extractor's fast lane (text layers, markup, C-CDA) and its slow lane (OCR, fetches). */
    public static final String APP_DOCUMENT_EXTRACTOR = "document-extractor";
    public static final String APP_DOCUMENT_OCR = "document-ocr";

    private Topics() {
    }

    /** The DLQ of one application: {@code ehr.dlq.<application-id>.v1}. */
    public static TopicSpec<String, DeadLetter> dlq(String applicationId) {
        return new TopicSpec<>("ehr.dlq." + applicationId + ".v1", KEY, new JsonSerde<>(DeadLetter.class),
                DeadLetter.class, "/schemas/dead-letter.v1.schema.json");
    }

    /** Every topic the pipeline uses, for topic creation (auto-creation is off) and tooling. */
    public static List<TopicSpec<String, ?>> all() {
        return List.of(RAW_HL7V2, RAW_FHIR, RAW_CDC, FHIR_RESOURCES, CHUNKS, DOCUMENT_TEXT, DOCUMENT_SLOW_LANE,
                dlq(APP_HL7_LISTENER), dlq(APP_FHIR_NORMALIZER), dlq(APP_CDC_CAPTURE), dlq(APP_CHUNKER),
                dlq(APP_EMBEDDER_SINK), dlq(APP_DOCUMENT_EXTRACTOR), dlq(APP_DOCUMENT_OCR));
    }

    private static TopicSpec<String, RawMessage> raw(String name) {
        return new TopicSpec<>(name, KEY, new JsonSerde<>(RawMessage.class), RawMessage.class,
                "/schemas/raw-message.v1.schema.json");
    }
}
