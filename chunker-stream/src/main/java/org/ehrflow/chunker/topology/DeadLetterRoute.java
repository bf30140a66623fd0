package org.ehrflow.chunker.topology;

import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.ehrflow.runtime.DeadLetters;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.Topics;

/**
 * The chunker's one way to dead-letter the record being processed: a {@link DeadLetter} with the record's
 * position and original bytes, counted, and forwarded to the DLQ branch under the record's key. Callers log.
 */
final class DeadLetterRoute {

    private DeadLetterRoute() {
    }

    static DeadLetter forward(ProcessorContext<String, Routed> context, ChunkerMetrics metrics, String key,
            byte[] original, long timestamp, String reason, Throwable cause, String messageId) {
        RecordMetadata md = context.recordMetadata().orElse(null);
        DeadLetter dl = DeadLetters.of(Topics.APP_CHUNKER, reason, cause, md == null ? null : md.topic(),
                md == null ? -1 : md.partition(), md == null ? -1L : md.offset(), messageId, original);
        metrics.deadLetter(reason);
        context.forward(new Record<String, Routed>(key, new Routed.Dead(dl), timestamp, DeadLetters.headers(dl)));
        return dl;
    }
}
