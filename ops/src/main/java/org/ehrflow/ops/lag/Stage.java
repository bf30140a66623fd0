package org.ehrflow.ops.lag;

import java.util.List;
import org.ehrflow.schemas.Topics;

/**
 * A consuming stage of the pipeline: its group id, the topics it consumes, and where its committed offsets live
 * (Kafka for the Streams apps, PostgreSQL for the sink, which commits offsets with its rows). For a PostgreSQL
 * stage, topics after the first count only once the stage has stored a position for them, so a sink build that
 * does not consume a secondary topic shows no false lag on it.
 */
public record Stage(String name, String groupId, List<String> inputTopics, OffsetStore offsetStore) {

    /** Where a stage's committed positions are kept. */
    public enum OffsetStore {
        KAFKA,
        POSTGRES
    }

    /**
     * The stages with the document extractor deployed (issue 12): its fast lane, its OCR lane, and the chunker
     * also reading the extracted text. A separate list because a deployment without the extractor would show its
     * never-committed groups as permanent lag.
     */
    public static List<Stage> pipelineWithDocuments() {
        List<Stage> base = pipeline();
        return List.of(base.get(0),
                new Stage(Topics.APP_DOCUMENT_EXTRACTOR, Topics.APP_DOCUMENT_EXTRACTOR,
                        List.of(Topics.FHIR_RESOURCES.name()), OffsetStore.KAFKA),
                new Stage(Topics.APP_DOCUMENT_OCR, Topics.APP_DOCUMENT_OCR,
                        List.of(Topics.DOCUMENT_SLOW_LANE.name()), OffsetStore.KAFKA),
                new Stage(Topics.APP_CHUNKER, Topics.APP_CHUNKER,
                        List.of(Topics.FHIR_RESOURCES.name(), Topics.DOCUMENT_TEXT.name()), OffsetStore.KAFKA),
                base.get(2));
    }

    /** The pipeline's stages in flow order. */
    public static List<Stage> pipeline() {
        return List.of(
                new Stage(Topics.APP_FHIR_NORMALIZER, Topics.APP_FHIR_NORMALIZER,
                        List.of(Topics.RAW_HL7V2.name(), Topics.RAW_FHIR.name(), Topics.RAW_CDC.name()),
                        OffsetStore.KAFKA),
                new Stage(Topics.APP_CHUNKER, Topics.APP_CHUNKER, List.of(Topics.FHIR_RESOURCES.name()),
                        OffsetStore.KAFKA),
                // The sink stores chunk sets and, for the source-record store, the FHIR resources themselves.
                new Stage(Topics.APP_EMBEDDER_SINK, Topics.APP_EMBEDDER_SINK,
                        List.of(Topics.CHUNKS.name(), Topics.FHIR_RESOURCES.name()), OffsetStore.POSTGRES));
    }
}
