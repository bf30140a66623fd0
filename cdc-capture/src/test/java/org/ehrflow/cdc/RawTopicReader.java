package org.ehrflow.cdc;


import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.schemas.Json;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.Topics;

/** Test helper: reads ehr.raw.cdc.v1 from the beginning and waits for change events. */
final class RawTopicReader implements AutoCloseable {

    final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    private final KafkaConsumer<String, byte[]> consumer;

    RawTopicReader(String bootstrap, int partitions) {
        Properties p = KafkaSettings.of(bootstrap).clientProps();
        p.put("group.id", "cdc-it-" + UUID.randomUUID());
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        for (int i = 0; i < partitions; i++) {
            parts.add(new TopicPartition(Topics.RAW_CDC.name(), i));
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
    }

    void drain(Duration wait) {
        consumer.poll(wait).forEach(records::add);
    }

    /** Waits for the event of {@code table} with {@code op} about row {@code rowId}; returns its payload. */
    JsonNode await(String table, String op, long rowId, Duration timeout) {
        return awaitMatching(p -> p.at("/source/table").asText().equals(table) && p.path("op").asText().equals(op)
                && (p.at("/after/id").asLong() == rowId || p.at("/before/id").asLong() == rowId), timeout);
    }

    JsonNode awaitMatching(Predicate<JsonNode> match, Duration timeout) {
        return org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ZERO)
                .until(() -> {
                    drain(Duration.ofMillis(200));
                    return payloads().stream().filter(match).findFirst().orElse(null);
                }, p -> p != null);
    }

    List<JsonNode> payloads() {
        return records.stream().map(RawTopicReader::payload).toList();
    }

    static RawMessage rawMessage(ConsumerRecord<String, byte[]> r) {
        return Topics.RAW_CDC.valueSerde().deserializer().deserialize(r.topic(), r.value());
    }

    static JsonNode payload(ConsumerRecord<String, byte[]> r) {
        try {
            return Json.MAPPER.readTree(rawMessage(r).payload());
        } catch (IOException e) {
            throw new AssertionError("payload is not JSON", e);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
