package org.ehrflow.chunker.topology;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.ehrflow.chunker.chunking.Interpretation;
import org.ehrflow.chunker.chunking.ResourceChunker;
import org.ehrflow.chunker.error.ReasonCodes;
import org.ehrflow.runtime.LogSafe;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.DocumentRouting;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.RecordOp;
import org.ehrflow.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chunk step: deserializes the value here (not in the source) so corrupt bytes become a dead letter instead
 * of stopping the app, interprets it, lets {@link Aggregator} update the patient's state and emit every chunk set
 * that changed, or forwards a dead letter. Key-changing because a merge forwards the retired patient's state
 * under the surviving key, towards the survivor's task.
 */
final class ChunkProcessor implements Processor<String, byte[], String, Routed> {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkProcessor.class);

    private final ResourceChunker chunker;
    private final ChunkerMetrics metrics;
    private final boolean documentsFromExtractor;
    private final Deserializer<FhirRecord> deserializer = Topics.FHIR_RESOURCES.valueSerde().deserializer();
    private ProcessorContext<String, Routed> context;
    private Aggregator aggregator;
    private DocumentVersions documentVersions;

    ChunkProcessor(ResourceChunker chunker, ChunkerMetrics metrics, boolean documentsFromExtractor) {
        this.chunker = chunker;
        this.metrics = metrics;
        this.documentsFromExtractor = documentsFromExtractor;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
        this.aggregator = new Aggregator(chunker, new PatientState(context));
        if (documentsFromExtractor) {
            this.documentVersions = new DocumentVersions(context.getStateStore(StateStores.DOCUMENT_VERSIONS));
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        byte[] bytes = record.value();
        if (bytes == null) {
            deadLetter(record, ReasonCodes.VALUE_MISSING, null, null);
            return;
        }
        FhirRecord in;
        try {
            in = deserializer.deserialize(Topics.FHIR_RESOURCES.name(), bytes);
        } catch (RuntimeException e) {
            deadLetter(record, ReasonCodes.VALUE_NOT_DESERIALIZABLE, e, null);
            return;
        }
        if (documentsFromExtractor && DocumentRouting.ownedByExtractor(in)) {
            metrics.deferredToExtractor(in.resourceType());
            return; // its text arrives from the document extractor
        }
        if (documentsFromExtractor && reportDelete(in) && !documentVersions.admit(
                in.patientKey(), in.reference(), in.provenance().ingestTime().toEpochMilli())) {
            metrics.staleDocument(in.resourceType());
            return; // a newer version of the report came through the extractor first
        }
        long start = System.nanoTime();
        Interpretation interpretation;
        try {
            interpretation = chunker.interpret(in);
        } catch (RuntimeException e) {
            // A defect on one record must not stop the partition: dead-letter it with the class name only.
            interpretation = new Interpretation.Rejected(ReasonCodes.CHUNKING_ERROR, e);
        }
        if (interpretation instanceof Interpretation.Rejected r) {
            deadLetter(record, r.reasonCode(), r.cause(), in.provenance().sourceMessageId());
        } else if (interpretation instanceof Interpretation.Unsupported u) {
            metrics.unsupported(u.resourceType());
        } else {
            if (interpretation instanceof Interpretation.Note n) {
                metrics.skippedAttachments(n.note().skipped());
            }
            List<Routed> results;
            try {
                results = aggregator.apply(interpretation);
            } catch (KafkaException e) {
                throw e; // a store or broker fault, not about the record: Streams retries or stops
            } catch (RuntimeException e) {
                deadLetter(record, ReasonCodes.CHUNKING_ERROR, e, in.provenance().sourceMessageId());
                return;
            }
            for (Routed r : results) {
                // A set goes out under its patient's key; a merge's transfer under the surviving key.
                String key;
                if (r instanceof Routed.Out o) {
                    metrics.set(o.set());
                    key = o.set().patientKey();
                } else {
                    key = ((Routed.Transfer) r).transfer().survivorKey();
                }
                context.forward(new Record<>(key, r, record.timestamp(), new RecordHeaders()));
            }
        }
        metrics.duration().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    /**
     * A DiagnosticReport DELETE: the one document op the chunker retracts itself with the extractor deployed
     * ({@link DocumentRouting} leaves it here, since a report without presentedForm is a fact of its encounter).
     */
    private static boolean reportDelete(FhirRecord in) {
        return "DiagnosticReport".equals(in.resourceType()) && in.op() == RecordOp.DELETE;
    }

    private void deadLetter(Record<String, byte[]> record, String reason, Throwable cause, String messageId) {
        DeadLetter dl = DeadLetterRoute.forward(context, metrics, record.key(), record.value(), record.timestamp(),
                reason, cause, messageId);
        LOG.warn("dead-lettered {}-{}@{} reason={} error={} patient={}", dl.sourceTopic(), dl.sourcePartition(),
                dl.sourceOffset(), reason, dl.errorClass(), LogSafe.hash(record.key()));
    }
}
