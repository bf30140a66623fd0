package org.ehrflow.chunker.topology;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.ehrflow.chunker.chunking.ResourceChunker;
import org.ehrflow.chunker.error.ReasonCodes;
import org.ehrflow.schemas.DocumentRouting;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.Topics;

/**
 * The chunk step's entry for the normalised topic: deserializes the value here (not in the source) so corrupt
 * bytes become a dead letter instead of stopping the app, skips what the document extractor owns (when deployed),
 * and hands the record to {@link RecordStep}.
 */
final class ChunkProcessor implements Processor<String, byte[], String, Routed> {

    private final ResourceChunker chunker;
    private final ChunkerMetrics metrics;
    private final boolean documentsFromExtractor;
    private final Deserializer<FhirRecord> deserializer = Topics.FHIR_RESOURCES.valueSerde().deserializer();
    private RecordStep step;

    ChunkProcessor(ResourceChunker chunker, ChunkerMetrics metrics, boolean documentsFromExtractor) {
        this.chunker = chunker;
        this.metrics = metrics;
        this.documentsFromExtractor = documentsFromExtractor;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.step = new RecordStep(chunker, metrics, context, documentsFromExtractor);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        byte[] bytes = record.value();
        if (bytes == null) {
            step.deadLetter(record.key(), null, record.timestamp(), ReasonCodes.VALUE_MISSING, null, null);
            return;
        }
        FhirRecord in;
        try {
            in = deserializer.deserialize(Topics.FHIR_RESOURCES.name(), bytes);
        } catch (RuntimeException e) {
            step.deadLetter(record.key(), bytes, record.timestamp(), ReasonCodes.VALUE_NOT_DESERIALIZABLE, e, null);
            return;
        }
        if (documentsFromExtractor && DocumentRouting.ownedByExtractor(in)) {
            metrics.deferredToExtractor(in.resourceType());
            return; // its text arrives from the document extractor
        }
        step.handle(in, 0, bytes, record.timestamp());
    }
}
