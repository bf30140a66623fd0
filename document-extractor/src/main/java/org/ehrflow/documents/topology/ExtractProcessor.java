package org.ehrflow.documents.topology;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.ehrflow.documents.error.ReasonCodes;
import org.ehrflow.documents.mapping.AttachmentSource;
import org.ehrflow.documents.mapping.DocumentMapper;
import org.ehrflow.documents.mapping.MappingResult;
import org.ehrflow.runtime.DeadLetters;
import org.ehrflow.runtime.LogSafe;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.DlqHeaders;
import org.ehrflow.schemas.DocumentRouting;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extract step of either lane: deserializes here (corrupt bytes become a dead letter, not a stopped app),
 * keeps only records the extractor owns ({@link DocumentRouting}), maps them, and forwards the text, the record
 * for the slow lane, or a dead letter. A transient fetch failure is retried in place with back-off until
 * {@code retryFor} is spent, then thrown: the stream thread is replaced and the record read again from the
 * last commit, so it is delayed, never dead-lettered.
 */
final class ExtractProcessor implements Processor<String, byte[], String, Routed> {

    private static final Logger LOG = LoggerFactory.getLogger(ExtractProcessor.class);

    private final String stage;
    private final DocumentMapper mapper;
    private final ExtractorMetrics metrics;
    private final Duration retryFor;
    private final Deserializer<FhirRecord> deserializer = Topics.FHIR_RESOURCES.valueSerde().deserializer();
    private ProcessorContext<String, Routed> context;

    ExtractProcessor(String stage, DocumentMapper mapper, ExtractorMetrics metrics, Duration retryFor) {
        this.stage = stage;
        this.mapper = mapper;
        this.metrics = metrics;
        this.retryFor = retryFor;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            deadLetter(record, ReasonCodes.VALUE_MISSING, null, null, null);
            return;
        }
        FhirRecord in;
        try {
            in = deserializer.deserialize(Topics.FHIR_RESOURCES.name(), record.value());
        } catch (RuntimeException e) {
            deadLetter(record, ReasonCodes.VALUE_NOT_DESERIALIZABLE, null, e.getClass().getSimpleName(), null);
            return;
        }
        if (!DocumentRouting.ownedByExtractor(in)) {
            return; // the chunker reads it from the normalised topic itself
        }
        long start = System.nanoTime();
        MappingResult result = mapWithRetry(in);
        metrics.duration().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        String messageId = in.provenance().sourceMessageId();
        if (result instanceof MappingResult.Mapped m) {
            metrics.extracted(m.document());
            context.forward(new Record<>(record.key(), new Routed.Out(m.document()), record.timestamp(),
                    new RecordHeaders()));
        } else if (result instanceof MappingResult.SlowLane && stage.equals(Topics.APP_DOCUMENT_OCR)) {
            // The slow lane has OCR and a fetcher, so this is a defect; looping the record back would spin.
            deadLetter(record, ReasonCodes.EXTRACTION_ERROR, null, null, messageId);
        } else if (result instanceof MappingResult.SlowLane) {
            metrics.slowLane();
            context.forward(new Record<>(record.key(), new Routed.Slow(record.value()), record.timestamp(),
                    new RecordHeaders()));
        } else {
            MappingResult.Rejected r = (MappingResult.Rejected) result;
            deadLetter(record, r.reasonCode(), r.mimeType(), r.causeClass(), messageId);
        }
    }

    private MappingResult mapWithRetry(FhirRecord in) {
        long deadline = System.nanoTime() + retryFor.toNanos();
        long backoff = 200;
        while (true) {
            try {
                return mapper.map(in);
            } catch (AttachmentSource.TransientFetchException e) {
                metrics.transientRetry();
                if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff) > deadline) {
                    LOG.warn("fetch for a {} still failing ({}); replacing the thread to retry from the last commit",
                            in.resourceType(), e.getMessage());
                    throw new StreamsException("transient fetch failure: " + e.getMessage());
                }
                sleep(backoff);
                backoff = Math.min(backoff * 2, 10_000);
            } catch (RuntimeException e) {
                // A defect on one record must not stop the partition: class name only.
                return new MappingResult.Rejected(ReasonCodes.EXTRACTION_ERROR, null, e.getClass().getSimpleName());
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamsException("interrupted while retrying a fetch");
        }
    }

    private void deadLetter(Record<String, byte[]> record, String reason, String mimeType, String causeClass,
            String messageId) {
        RecordMetadata md = context.recordMetadata().orElse(null);
        DeadLetter dl = new DeadLetter(stage, reason, causeClass, md == null ? null : md.topic(),
                md == null ? -1 : md.partition(), md == null ? -1L : md.offset(), messageId,
                Instant.now(), record.value() == null ? new byte[0] : record.value());
        Headers h = DeadLetters.headers(dl);
        if (mimeType != null) {
            h.add(DlqHeaders.DETAIL, ("mime_type=" + mimeType).getBytes(StandardCharsets.UTF_8));
        }
        metrics.deadLetter(reason, mimeType);
        context.forward(new Record<String, Routed>(record.key(), new Routed.Dead(dl), record.timestamp(), h));
        LOG.warn("dead-lettered {}-{}@{} reason={} mime={} error={} patient={}", dl.sourceTopic(),
                dl.sourcePartition(), dl.sourceOffset(), reason, mimeType, causeClass, LogSafe.hash(record.key()));
    }
}
