package org.ehrflow.demo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.ehrflow.localstack.TopicReader;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.schemas.DlqHeaders;

/**
 * Counts committed records in a topic by reading it end to end (offset arithmetic would count transaction
 * markers of the exactly-once stages). DLQ records are also counted by their reason header.
 */
public final class TopicCounter {

    /** Records in a topic, and per DLQ reason code where the records carry one. */
    public record Count(long records, Map<String, Long> byReason) {
    }

    private TopicCounter() {
    }

    public static Count count(KafkaSettings kafka, String topic) {
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readAll(kafka.clientProps(), topic,
                Duration.ofSeconds(30));
        Map<String, Long> reasons = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            Header h = r.headers().lastHeader(DlqHeaders.REASON);
            if (h != null) {
                reasons.merge(new String(h.value(), StandardCharsets.UTF_8), 1L, Long::sum);
            }
        }
        return new Count(records.size(), reasons);
    }
}
