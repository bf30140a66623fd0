package org.ehrflow.localstack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a whole topic, from its beginning to the end offsets seen at the start, as committed data only
 * (read_committed), without a consumer group: what tests and the demo's report use to check what a stage wrote.
 */
public final class TopicReader {

    private TopicReader() {
    }

    /**
     * Every committed record of {@code topic}, in partition order.
     *
     * @param clientProps bootstrap servers and client settings (copied, not changed)
     * @param timeout     upper bound on the whole read; what was read by then is returned
     */
    public static List<ConsumerRecord<String, byte[]>> readAll(Properties clientProps, String topic,
            Duration timeout) {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.remove("group.id");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, timeout).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
            long until = System.nanoTime() + timeout.toNanos();
            // Positions pass transaction markers too, so "position >= end" is the exact end of committed data.
            while (System.nanoTime() < until && parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
