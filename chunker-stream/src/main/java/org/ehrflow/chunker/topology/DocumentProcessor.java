package org.ehrflow.chunker.topology;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.ehrflow.chunker.chunking.ExtractedDocuments;
import org.ehrflow.chunker.chunking.Interpretation;
import org.ehrflow.chunker.chunking.ResourceChunker;
import org.ehrflow.chunker.error.ReasonCodes;
import org.ehrflow.runtime.LogSafe;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.DocumentText;
import org.ehrflow.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chunk step for extracted documents (with the document extractor deployed): deserializes a
 * {@link DocumentText}, makes it a note and lets {@link Aggregator} emit its chunk set, PHI-tagged with what the
 * patient's state knows, exactly like a note read inline; or dead-letters it. The two extractor lanes are ordered
 * each on its own, not together: a version that needed OCR can arrive after a newer one that did not. The newest
 * ingest time applied per document is kept, and an older arrival is skipped (counted), so stale text never
 * replaces newer text or undoes a retraction.
 */
final class DocumentProcessor implements Processor<String, byte[], String, Routed> {

    private static final Logger LOG = LoggerFactory.getLogger(DocumentProcessor.class);

    private final ResourceChunker chunker;
    private final ChunkerMetrics metrics;
    private final Deserializer<DocumentText> deserializer = Topics.DOCUMENT_TEXT.valueSerde().deserializer();
    private ProcessorContext<String, Routed> context;
    private Aggregator aggregator;
    private DocumentVersions versions;

    DocumentProcessor(ResourceChunker chunker, ChunkerMetrics metrics) {
        this.chunker = chunker;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
        this.aggregator = new Aggregator(chunker, new PatientState(context));
        this.versions = new DocumentVersions(context.getStateStore(StateStores.DOCUMENT_VERSIONS));
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            deadLetter(record, ReasonCodes.VALUE_MISSING, null, null);
            return;
        }
        DocumentText in;
        try {
            in = deserializer.deserialize(Topics.DOCUMENT_TEXT.name(), record.value());
        } catch (RuntimeException e) {
            deadLetter(record, ReasonCodes.VALUE_NOT_DESERIALIZABLE, e, null);
            return;
        }
        long start = System.nanoTime();
        Interpretation i = ExtractedDocuments.interpret(in);
        if (i instanceof Interpretation.Rejected r) {
            deadLetter(record, r.reasonCode(), r.cause(), in.provenance().sourceMessageId());
            return;
        }
        if (!versions.admit(in.patientKey(), in.reference(), in.provenance().ingestTime().toEpochMilli())) {
            metrics.staleDocument(in.resourceType());
            return;
        }
        List<Routed> results;
        try {
            results = aggregator.apply(i);
        } catch (KafkaException e) {
            throw e;
        } catch (RuntimeException e) {
            deadLetter(record, ReasonCodes.CHUNKING_ERROR, e, in.provenance().sourceMessageId());
            return;
        }
        for (Routed r : results) {
            if (r instanceof Routed.Out o) {
                metrics.set(o.set());
                context.forward(new Record<>(o.set().patientKey(), r, record.timestamp(), new RecordHeaders()));
            }
        }
        metrics.duration().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    private void deadLetter(Record<String, byte[]> record, String reason, Throwable cause, String messageId) {
        DeadLetter dl = DeadLetterRoute.forward(context, metrics, record.key(), record.value(), record.timestamp(),
                reason, cause, messageId);
        LOG.warn("dead-lettered {}-{}@{} reason={} error={} patient={}", dl.sourceTopic(), dl.sourcePartition(),
                dl.sourceOffset(), reason, dl.errorClass(), LogSafe.hash(record.key()));
    }
}
