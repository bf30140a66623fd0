package org.ehrflow.chunker.topology;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.ehrflow.chunker.chunking.ExtractedDocuments;
import org.ehrflow.chunker.chunking.Interpretation;
import org.ehrflow.chunker.chunking.ResourceChunker;
import org.ehrflow.chunker.error.ReasonCodes;
import org.ehrflow.schemas.DocumentText;

/**
 * One extracted document through the chunk step, read from the extractor's topic ({@link DocumentProcessor}) or
 * redirected from a retired patient's task ({@link MergeTransferProcessor}): made a note and chunked by
 * {@link Aggregator}, PHI-tagged with what the patient's state knows, exactly like a note read inline. The two
 * extractor lanes are ordered each on its own, not together: a version that needed OCR can arrive after a newer
 * one that did not. The newest ingest time applied per document is kept, and an older arrival is skipped
 * (counted), so stale text never replaces newer text or undoes a retraction.
 */
final class DocumentStep {

    private final ChunkerMetrics metrics;
    private final RecordStep records;
    private final Aggregator aggregator;
    private final MergeRedirects redirects;
    private final DocumentVersions versions;

    DocumentStep(ResourceChunker chunker, ChunkerMetrics metrics, ProcessorContext<String, Routed> context,
            RecordStep records) {
        this.metrics = metrics;
        this.records = records;
        this.aggregator = new Aggregator(chunker, new PatientState(context));
        this.redirects = new MergeRedirects(context);
        this.versions = new DocumentVersions(context.getStateStore(StateStores.DOCUMENT_VERSIONS));
    }

    void handle(DocumentText in, int hops, byte[] original, long timestamp) {
        Optional<String> survivor = redirects.redirectFor(in.patientKey(), hops);
        if (survivor.isPresent()) {
            // The retired patient's document goes where its state went ({@link MergeRedirects}).
            metrics.redirected(in.resourceType());
            records.forward(new Routed.Redirect(Redirected.of(in, survivor.get(), hops + 1)), timestamp);
            return;
        }
        long start = System.nanoTime();
        Interpretation i = ExtractedDocuments.interpret(in);
        if (i instanceof Interpretation.Rejected r) {
            records.deadLetter(in.patientKey(), original, timestamp, r.reasonCode(), r.cause(),
                    in.provenance().sourceMessageId());
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
            records.deadLetter(in.patientKey(), original, timestamp, ReasonCodes.CHUNKING_ERROR, e,
                    in.provenance().sourceMessageId());
            return;
        }
        results.stream().filter(r -> r instanceof Routed.Out).forEach(r -> records.forward(r, timestamp));
        metrics.duration().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
}
