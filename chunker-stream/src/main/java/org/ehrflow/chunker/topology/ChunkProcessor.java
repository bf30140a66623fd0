package org.ehrflow.chunker.topology;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.ehrflow.chunker.chunking.ChunkResult;
import org.ehrflow.chunker.chunking.ResourceChunker;
import org.ehrflow.chunker.error.ReasonCodes;
import org.ehrflow.runtime.DeadLetters;
import org.ehrflow.runtime.LogSafe;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chunk step: deserializes the value here (not in the source) so corrupt bytes become a dead letter instead
 * of stopping the app, chunks it, and forwards a chunk set or a dead letter. Unsupported types forward nothing.
 */
final class ChunkProcessor implements FixedKeyProcessor<String, byte[], Routed> {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkProcessor.class);

    private final ResourceChunker chunker;
    private final ChunkerMetrics metrics;
    private final Deserializer<FhirRecord> deserializer = Topics.FHIR_RESOURCES.valueSerde().deserializer();
    private FixedKeyProcessorContext<String, Routed> context;

    ChunkProcessor(ResourceChunker chunker, ChunkerMetrics metrics) {
        this.chunker = chunker;
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Routed> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
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
        ChunkResult result;
        long start = System.nanoTime();
        try {
            result = chunker.chunk(in);
        } catch (RuntimeException e) {
            // A defect on one record must not stop the partition: dead-letter it with the class name only.
            result = new ChunkResult.Rejected(ReasonCodes.CHUNKING_ERROR, e);
        }
        metrics.duration().record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        if (result instanceof ChunkResult.Mapped m) {
            metrics.set(m.set());
            metrics.skippedAttachments(m.skippedAttachments());
            context.forward(record.withValue((Routed) new Routed.Out(m.set())).withHeaders(new RecordHeaders()));
        } else if (result instanceof ChunkResult.Unsupported u) {
            metrics.unsupported(u.resourceType());
        } else if (result instanceof ChunkResult.Rejected r) {
            deadLetter(record, r.reasonCode(), r.cause(), in.provenance().sourceMessageId());
        }
    }

    private void deadLetter(FixedKeyRecord<String, byte[]> record, String reason, Throwable cause, String messageId) {
        RecordMetadata md = context.recordMetadata().orElse(null);
        String topic = md == null ? null : md.topic();
        int partition = md == null ? -1 : md.partition();
        long offset = md == null ? -1L : md.offset();
        DeadLetter dl = DeadLetters.of(Topics.APP_CHUNKER, reason, cause, topic, partition, offset, messageId,
                record.value());
        metrics.deadLetter(reason);
        LOG.warn("dead-lettered {}-{}@{} reason={} error={} patient={}", topic, partition, offset, reason,
                dl.errorClass(), LogSafe.hash(record.key()));
        context.forward(record.withValue((Routed) new Routed.Dead(dl)).withHeaders(DeadLetters.headers(dl)));
    }
}
