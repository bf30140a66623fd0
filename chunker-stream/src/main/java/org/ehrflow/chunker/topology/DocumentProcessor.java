package org.ehrflow.chunker.topology;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.ehrflow.chunker.chunking.ResourceChunker;
import org.ehrflow.chunker.error.ReasonCodes;
import org.ehrflow.schemas.DocumentText;
import org.ehrflow.schemas.Topics;

/**
 * The chunk step's entry for extracted documents (with the document extractor deployed): deserializes a
 * {@link DocumentText} (corrupt bytes become a dead letter) and hands it to {@link DocumentStep}.
 */
final class DocumentProcessor implements Processor<String, byte[], String, Routed> {

    private final ResourceChunker chunker;
    private final ChunkerMetrics metrics;
    private final Deserializer<DocumentText> deserializer = Topics.DOCUMENT_TEXT.valueSerde().deserializer();
    private RecordStep records;
    private DocumentStep step;

    DocumentProcessor(ResourceChunker chunker, ChunkerMetrics metrics) {
        this.chunker = chunker;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.records = new RecordStep(chunker, metrics, context, true);
        this.step = new DocumentStep(chunker, metrics, context, records);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            records.deadLetter(record.key(), null, record.timestamp(), ReasonCodes.VALUE_MISSING, null, null);
            return;
        }
        DocumentText in;
        try {
            in = deserializer.deserialize(Topics.DOCUMENT_TEXT.name(), record.value());
        } catch (RuntimeException e) {
            records.deadLetter(record.key(), record.value(), record.timestamp(), ReasonCodes.VALUE_NOT_DESERIALIZABLE,
                    e, null);
            return;
        }
        step.handle(in, 0, record.value(), record.timestamp());
    }
}
