package org.ehrflow.runtime;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.DlqHeaders;
import org.ehrflow.schemas.TopicSpec;
import org.ehrflow.schemas.Topics;

/**
 * Builds DLQ records: the original bytes, a reason code and the source position, with the same facts in
 * headers for tooling. Exceptions contribute their class name only; their messages can carry payload text.
 */
public final class DeadLetters {

    private DeadLetters() {
    }

    /** A dead letter for a record read from Kafka. */
    public static DeadLetter of(String stage, String reasonCode, Throwable cause, String topic, int partition,
            long offset, String sourceMessageId, byte[] original) {
        return new DeadLetter(stage, reasonCode, cause == null ? null : cause.getClass().getSimpleName(), topic,
                partition, offset, sourceMessageId, Instant.now(), original == null ? new byte[0] : original);
    }

    /** A dead letter at ingress (no Kafka position yet). */
    public static DeadLetter atIngress(String stage, String reasonCode, Throwable cause, String sourceMessageId,
            byte[] original) {
        return of(stage, reasonCode, cause, null, -1, -1L, sourceMessageId, original);
    }

    /** Headers that mirror the dead letter's codes and position. */
    public static Headers headers(DeadLetter dl) {
        RecordHeaders h = new RecordHeaders();
        h.add(DlqHeaders.STAGE, utf8(dl.stage()));
        h.add(DlqHeaders.REASON, utf8(dl.reasonCode()));
        if (dl.sourceTopic() != null) {
            h.add(DlqHeaders.SOURCE_TOPIC, utf8(dl.sourceTopic()));
            h.add(DlqHeaders.SOURCE_PARTITION, utf8(Integer.toString(dl.sourcePartition())));
            h.add(DlqHeaders.SOURCE_OFFSET, utf8(Long.toString(dl.sourceOffset())));
        }
        return h;
    }

    /** The producer record for the stage's DLQ topic, keyed like the source record. */
    public static ProducerRecord<String, DeadLetter> record(String key, DeadLetter dl) {
        TopicSpec<String, DeadLetter> dlq = Topics.dlq(dl.stage());
        return new ProducerRecord<>(dlq.name(), null, key, dl, headers(dl));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
