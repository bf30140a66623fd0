package org.ehrflow.sink.consume;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.ehrflow.runtime.DeadLetters;
import org.ehrflow.schemas.Topics;
import org.ehrflow.sink.error.DlqPublisher;

/** What the write step derives from the consumed records: their dead letters, and the next offset per partition. */
final class SinkDeadLetters {

    private SinkDeadLetters() {
    }

    /** The next offset of each partition of {@code records}: one past the highest offset consumed. */
    static Map<TopicPartition, Long> nextOffsets(List<ConsumerRecord<String, byte[]>> records) {
        Map<TopicPartition, Long> next = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            next.merge(new TopicPartition(r.topic(), r.partition()), r.offset() + 1, Math::max);
        }
        return next;
    }

    /** The dead letter of {@code r}: the original bytes and key, the reason code, the source message id if known. */
    static DlqPublisher.Keyed of(ConsumerRecord<String, byte[]> r, Decoded decoded, String reason, Throwable cause) {
        String messageId = decoded instanceof Decoded.Accepted a ? a.set().provenance().sourceMessageId()
                : decoded instanceof Decoded.Resource x ? x.record().provenance().sourceMessageId() : null;
        return new DlqPublisher.Keyed(r.key(), DeadLetters.of(Topics.APP_EMBEDDER_SINK, reason, cause, r.topic(),
                r.partition(), r.offset(), messageId, r.value()));
    }
}
