package org.ehrflow.chunker.topology;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.ehrflow.chunker.chunking.Interpretation;
import org.ehrflow.chunker.chunking.ResourceChunker;
import org.ehrflow.chunker.error.ReasonCodes;
import org.ehrflow.runtime.LogSafe;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.RecordOp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One normalised record through the chunk step, wherever it was read: from the normalised topic
 * ({@link ChunkProcessor}) or redirected from a retired patient's task ({@link MergeTransferProcessor}). A record
 * of a patient this task retired goes on to the survivor; otherwise it is interpreted, {@link Aggregator} updates
 * the patient's state and every chunk set that changed is forwarded, or a dead letter is. Key-changing: a
 * MERGE's transfers and redirects leave under the surviving key, towards the survivor's task.
 */
final class RecordStep {

    private static final Logger LOG = LoggerFactory.getLogger(RecordStep.class);

    private final ResourceChunker chunker;
    private final ChunkerMetrics metrics;
    private final ProcessorContext<String, Routed> context;
    private final Aggregator aggregator;
    private final MergeRedirects redirects;
    /** With the document extractor deployed: the ingest-time rule a DiagnosticReport DELETE obeys; else null. */
    private final DocumentVersions documentVersions;

    RecordStep(ResourceChunker chunker, ChunkerMetrics metrics, ProcessorContext<String, Routed> context,
            boolean documentsFromExtractor) {
        this.chunker = chunker;
        this.metrics = metrics;
        this.context = context;
        this.aggregator = new Aggregator(chunker, new PatientState(context));
        this.redirects = new MergeRedirects(context);
        this.documentVersions = documentsFromExtractor
                ? new DocumentVersions(context.getStateStore(StateStores.DOCUMENT_VERSIONS)) : null;
    }

    /**
     * @param hops     merges this record has followed already
     * @param original the bytes to dead-letter if it cannot be chunked (as read by the calling processor)
     */
    void handle(FhirRecord in, int hops, byte[] original, long timestamp) {
        if (in.op() != RecordOp.MERGE && redirected(in, hops, timestamp)) {
            return;
        }
        if (documentVersions != null && reportDelete(in) && !documentVersions.admit(in.patientKey(), in.reference(),
                in.provenance().ingestTime().toEpochMilli())) {
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
            deadLetter(in.patientKey(), original, timestamp, r.reasonCode(), r.cause(), messageId(in));
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
                deadLetter(in.patientKey(), original, timestamp, ReasonCodes.CHUNKING_ERROR, e, messageId(in));
                return;
            }
            if (in.op() == RecordOp.MERGE) {
                redirects.retire(in.patientKey(), in.targetPatientKey());
            }
            results.forEach(r -> forward(r, timestamp));
        }
        metrics.duration().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    /**
     * A DiagnosticReport DELETE: the one document op the chunker retracts itself with the extractor deployed
     * ({@link org.ehrflow.schemas.DocumentRouting} leaves it here, since a report without presentedForm is a fact
     * of its encounter).
     */
    private static boolean reportDelete(FhirRecord in) {
        return "DiagnosticReport".equals(in.resourceType()) && in.op() == RecordOp.DELETE;
    }

    /** Sends a retired patient's record on to its survivor; false when it stays here. */
    private boolean redirected(FhirRecord in, int hops, long timestamp) {
        Optional<String> survivor = redirects.redirectFor(in.patientKey(), hops);
        if (survivor.isEmpty()) {
            return false;
        }
        metrics.redirected(in.resourceType());
        forward(new Routed.Redirect(Redirected.of(in, survivor.get(), hops + 1)), timestamp);
        return true;
    }

    /** A set goes out under its patient's key; a merge's transfer or a redirect under the surviving key. */
    void forward(Routed r, long timestamp) {
        String key;
        if (r instanceof Routed.Out o) {
            metrics.set(o.set());
            key = o.set().patientKey();
        } else if (r instanceof Routed.Transfer t) {
            key = t.transfer().survivorKey();
        } else if (r instanceof Routed.Redirect d) {
            key = d.redirected().survivorKey();
        } else {
            throw new IllegalStateException("the chunk step forwards no dead letters here");
        }
        context.forward(new Record<>(key, r, timestamp, new RecordHeaders()));
    }

    private static String messageId(FhirRecord in) {
        return in.provenance().sourceMessageId();
    }

    void deadLetter(String key, byte[] original, long timestamp, String reason, Throwable cause, String messageId) {
        DeadLetter dl = DeadLetterRoute.forward(context, metrics, key, original, timestamp, reason, cause,
                messageId);
        LOG.warn("dead-lettered {}-{}@{} reason={} error={} patient={}", dl.sourceTopic(), dl.sourcePartition(),
                dl.sourceOffset(), reason, dl.errorClass(), LogSafe.hash(key));
    }
}
