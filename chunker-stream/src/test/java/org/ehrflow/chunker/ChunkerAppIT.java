package org.ehrflow.chunker;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.RecordOp;
import org.ehrflow.schemas.SchemaValidator;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The app against a real KRaft broker: exactly-once Streams reads normalised records, writes sets and dead letters. */
class ChunkerAppIT {

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void chunksNotesAndDeadLettersPoisonOnARealBroker(@TempDir Path stateDir) throws Exception {
        try (KafkaFixture kafka = KafkaFixture.start()) {
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            TopicAdmin.ensureTopics(settings, 2, (short) 1);
            String note = Files.readString(Corpus.FHIR.resolve("resources")
                    .resolve("documentreference_history_physical_note_base64_smartbulk.json"));
            try (ChunkerApp app = ChunkerApp.start(ChunkerConfig.defaults(settings, stateDir), new SimpleMeterRegistry());
                 KafkaProducer<String, byte[]> producer = producer(settings)) {
                var serializer = Topics.FHIR_RESOURCES.valueSerde().serializer();
                producer.send(new ProducerRecord<>(Topics.FHIR_RESOURCES.name(), TestSupport.PATIENT,
                        serializer.serialize("", TestSupport.upsert("DocumentReference", "hp-1", note)))).get();
                producer.send(new ProducerRecord<>(Topics.FHIR_RESOURCES.name(), TestSupport.PATIENT,
                        "not a record".getBytes(StandardCharsets.UTF_8))).get();
                producer.send(new ProducerRecord<>(Topics.FHIR_RESOURCES.name(), TestSupport.PATIENT,
                        serializer.serialize("", TestSupport.delete("DocumentReference", "hp-1")))).get();

                List<ConsumerRecord<String, byte[]>> sets = readCommitted(settings, Topics.CHUNKS.name(), 2);
                List<ChunkSet> values = sets.stream().map(r -> {
                    assertThat(SchemaValidator.problems(Topics.CHUNKS, r.value())).isEmpty();
                    return Topics.CHUNKS.valueSerde().deserializer().deserialize("", r.value());
                }).toList();
                assertThat(values).extracting(ChunkSet::op).containsExactly(RecordOp.UPSERT, RecordOp.DELETE);
                assertThat(values.get(0).chunks()).hasSizeGreaterThan(5);

                var dead = readCommitted(settings, Topics.dlq(Topics.APP_CHUNKER).name(), 1);
                DeadLetter dl = Topics.dlq(Topics.APP_CHUNKER).valueSerde().deserializer().deserialize("",
                        dead.get(0).value());
                assertThat(dl.reasonCode()).isEqualTo("VALUE_NOT_DESERIALIZABLE");
                assertThat(new String(dl.original(), StandardCharsets.UTF_8)).isEqualTo("not a record");
                assertThat(app.isRunning()).isTrue();
            }
        }
    }

    private static KafkaProducer<String, byte[]> producer(KafkaSettings settings) {
        Properties p = settings.clientProps();
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    // read_committed: only what the chunker's transactions committed counts as output.
    private static List<ConsumerRecord<String, byte[]>> readCommitted(KafkaSettings settings, String topic, int n) {
        Properties p = settings.clientProps();
        p.putAll(Map.of("group.id", "it-" + topic, "auto.offset.reset", "earliest", "isolation.level",
                "read_committed"));
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (out.size() < n && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        assertThat(out).as("records on " + topic).hasSize(n);
        return out;
    }
}
