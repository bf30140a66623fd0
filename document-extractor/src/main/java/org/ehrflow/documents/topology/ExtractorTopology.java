package org.ehrflow.documents.topology;

import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.ehrflow.documents.mapping.DocumentMapper;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.TopicSpec;
import org.ehrflow.schemas.Topics;

/**
 * The two Streams graphs of the document extractor. Fast lane ({@code document-extractor}): normalised records
 * in, the documents it owns extracted (text layers, markup, C-CDA), those needing OCR or a fetch moved, bytes
 * unchanged, to {@code ehr.extracted.slow-document.v1}. Slow lane ({@code document-ocr}, its own application and
 * threads): that topic in, OCR and fetches, text out. Both write {@code ehr.extracted.document-text.v1} and their
 * own DLQ. Operator names are stable.
 */
public final class ExtractorTopology {

    private ExtractorTopology() {
    }

    public static Topology fastLane(DocumentMapper mapper, ExtractorMetrics metrics) {
        return build(Topics.FHIR_RESOURCES.name(), Topics.APP_DOCUMENT_EXTRACTOR, mapper, metrics, Duration.ZERO);
    }

    public static Topology slowLane(DocumentMapper mapper, ExtractorMetrics metrics, Duration fetchRetryFor) {
        return build(Topics.DOCUMENT_SLOW_LANE.name(), Topics.APP_DOCUMENT_OCR, mapper, metrics, fetchRetryFor);
    }

    private static Topology build(String input, String app, DocumentMapper mapper, ExtractorMetrics metrics,
            Duration retryFor) {
        StreamsBuilder builder = new StreamsBuilder();
        TopicSpec<String, DeadLetter> dlq = Topics.dlq(app);
        KStream<String, Routed> routed = builder
                .stream(input, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("documents-source"))
                .process(() -> new ExtractProcessor(app, mapper, metrics, retryFor), Named.as("extract-document"));
        routed.split(Named.as("route-"))
                .branch((k, v) -> v instanceof Routed.Dead, Branched.withConsumer(s -> s
                        .mapValues(v -> ((Routed.Dead) v).letter(), Named.as("dead-letter-value"))
                        .to(dlq.name(), Produced.with(dlq.keySerde(), dlq.valueSerde()).withName("dead-letters-sink")),
                        "dead-letters"))
                .branch((k, v) -> v instanceof Routed.Slow, Branched.withConsumer(s -> s
                        .mapValues(v -> ((Routed.Slow) v).original(), Named.as("slow-lane-value"))
                        .to(Topics.DOCUMENT_SLOW_LANE.name(), Produced.with(Serdes.String(), Serdes.ByteArray())
                                .withName("slow-lane-sink")),
                        "slow-lane"))
                .defaultBranch(Branched.withConsumer(s -> s
                        .mapValues(v -> ((Routed.Out) v).document(), Named.as("document-text-value"))
                        .to(Topics.DOCUMENT_TEXT.name(), Produced.with(Topics.DOCUMENT_TEXT.keySerde(),
                                Topics.DOCUMENT_TEXT.valueSerde()).withName("document-text-sink")),
                        "document-text"));
        return builder.build();
    }
}
