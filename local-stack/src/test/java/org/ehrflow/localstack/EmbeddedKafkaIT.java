package org.ehrflow.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedKafkaIT {

    private static final String TOPIC = "localstack.test.v1";
    private static final String OUT_TOPIC = "localstack.test.out.v1";

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        Path logDir = kafka.logDir();
        kafka.close();
        assertThat(Files.exists(logDir)).as("temporary log dir deleted on close").isFalse();
    }

    @Test
    void transactionalProduceIsVisibleToReadCommittedConsumerAndAbortedIsNot() throws Exception {
        assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
        try (Admin admin = admin(kafka)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1), new NewTopic(OUT_TOPIC, 2, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }

        try (KafkaProducer<String, String> producer = transactionalProducer(kafka.bootstrapServers())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, "k1", "committed-1"));
            producer.send(new ProducerRecord<>(TOPIC, "k2", "committed-2"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, "k3", "aborted"));
            producer.abortTransaction();
        }

        assertThat(readCommitted(kafka.bootstrapServers(), TOPIC, 2))
                .containsExactlyInAnyOrder("committed-1", "committed-2");

        copyOnceLikeStreamsEos(kafka.bootstrapServers());
        assertThat(readCommitted(kafka.bootstrapServers(), OUT_TOPIC, 2))
                .containsExactlyInAnyOrder("COMMITTED-1", "COMMITTED-2");
    }

    @Test
    void autoTopicCreationIsOff() throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000),
                new StringSerializer(), new StringSerializer())) {
            // metadata for a missing topic never arrives: send() fails instead of creating the topic
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("not.created.v1", "k", "v")).get(10,
                    TimeUnit.SECONDS))
                    .isNotNull();
        }
        try (Admin admin = admin(kafka)) {
            assertThat(admin.listTopics().names().get()).doesNotContain("not.created.v1");
        }
    }

    @Test
    void persistentLogDirKeepsTopicsAcrossRestarts(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("kafka");
        try (EmbeddedKafka first = EmbeddedKafka.start(dir); Admin admin = admin(first)) {
            admin.createTopics(List.of(new NewTopic("kept.v1", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        assertThat(dir).isDirectory();
        try (EmbeddedKafka second = EmbeddedKafka.start(dir); Admin admin = admin(second)) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("kept.v1");
        }
    }

    private static Admin admin(EmbeddedKafka broker) {
        return Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()));
    }

    /**
     * Consume-transform-produce with the consumer's offsets committed inside the producer transaction, which is
     * what Kafka Streams' exactly_once_v2 does (sendOffsetsToTransaction with the group metadata).
     */
    private static void copyOnceLikeStreamsEos(String bootstrap) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "localstack-it-eos",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer());
             KafkaProducer<String, String> producer = transactionalProducer(bootstrap, "localstack-it-eos-tx")) {
            consumer.subscribe(Set.of(TOPIC));
            producer.initTransactions();
            int copied = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (copied < 2 && System.nanoTime() < deadline) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<String, String> record : records) {
                    producer.send(new ProducerRecord<>(OUT_TOPIC, record.key(),
                            record.value().toUpperCase(Locale.ROOT)));
                    offsets.put(new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1));
                    copied++;
                }
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                producer.commitTransaction();
            }
            assertThat(copied).isEqualTo(2);
        }
    }

    private static KafkaProducer<String, String> transactionalProducer(String bootstrap) {
        return transactionalProducer(bootstrap, "localstack-it-tx");
    }

    private static KafkaProducer<String, String> transactionalProducer(String bootstrap, String transactionalId) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer());
    }

    private static List<String> readCommitted(String bootstrap, String topic, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "localstack-it-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(Set.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            // poll a little past the expected count so a leaked aborted record would be seen
            int extraPolls = 3;
            while (System.nanoTime() < deadline && (values.size() < expected || extraPolls-- > 0)) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
