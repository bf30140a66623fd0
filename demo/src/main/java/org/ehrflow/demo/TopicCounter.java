package org.ehrflow.demo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
        Properties p = kafka.clientProps();
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.put("client.id", "ehrflow-demo-counter");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (PartitionInfo pi : c.partitionsFor(topic, Duration.ofSeconds(10))) {
                tps.add(new TopicPartition(topic, pi.partition()));
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = c.endOffsets(tps);
            long n = 0;
            Map<String, Long> reasons = new TreeMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!caughtUp(c, ends) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    n++;
                    Header h = r.headers().lastHeader(DlqHeaders.REASON);
                    if (h != null) {
                        reasons.merge(new String(h.value(), StandardCharsets.UTF_8), 1L, Long::sum);
                    }
                }
            }
            return new Count(n, reasons);
        }
    }

    private static boolean caughtUp(KafkaConsumer<?, ?> c, Map<TopicPartition, Long> ends) {
        Map<TopicPartition, Long> pos = new HashMap<>();
        ends.keySet().forEach(tp -> pos.put(tp, c.position(tp)));
        return ends.entrySet().stream().allMatch(e -> pos.get(e.getKey()) >= e.getValue());
    }
}
