package org.ehrflow.chunker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

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
import org.apache.kafka.common.utils.Utils;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.RecordOp;
import org.ehrflow.schemas.SchemaValidator;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app against a real KRaft broker: exactly-once Streams reads normalised records, writes sets and dead letters,
 * and moves a merged patient's state between tasks through its internal transfer topic.
 */
class ChunkerAppIT {

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void chunksNotesAndDeadLettersPoisonOnARealBroker(@TempDir Path stateDir) throws Exception {
        try (KafkaFixture kafka = KafkaFixture.start()) {
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            TopicAdmin.ensureTopics(settings, 2, (short) 1);
            String note = Files.readString(Corpus.FHIR.resolve("resources")
                    .resolve("documentreference_history_physical_note_base64_smartbulk.json"));
            try (ChunkerApp app = ChunkerApp.start(ChunkerConfig.defaults(settings, stateDir),
                    new SimpleMeterRegistry());
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

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void aMergeAcrossPartitionsMovesTheRetiredStateToTheSurvivorsTask(@TempDir Path stateDir) throws Exception {
        // Retired and surviving keys on different partitions of 2 (murmur2), so in different tasks.
        String retired = TestSupport.PATIENT;
        String survivor = org.ehrflow.schemas.PatientKey.of("urn:test:mrn", "TEST-0002");
        assertThat(partition(retired)).isNotEqualTo(partition(survivor));
        try (KafkaFixture kafka = KafkaFixture.start()) {
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            TopicAdmin.ensureTopics(settings, 2, (short) 1);
            try (ChunkerApp app = ChunkerApp.start(ChunkerConfig.defaults(settings, stateDir),
                    new SimpleMeterRegistry());
                 KafkaProducer<String, byte[]> producer = producer(settings);
                 KafkaConsumer<String, byte[]> sets = committedConsumer(settings, Topics.CHUNKS.name())) {
                send(producer, upsert(retired, "Condition", "c1", condition("c1", "e1", "Type 2 diabetes mellitus")));
                send(producer, upsert(survivor, "Condition", "c9", condition("c9", "e9", "Asthma")));
                // Per patient: Encounter story + summary.
                assertThat(poll(sets, 4)).hasSize(4);
                send(producer, new FhirRecord(retired, RecordOp.MERGE, "Patient", "p-1", "5", null, null,
                        TestSupport.provenance(), survivor));
                // Retired task: summary DELETE + MERGE; survivor's task: moved story e1 + combined summary.
                List<ChunkSet> merged = poll(sets, 4);
                assertThat(merged).extracting(ChunkSet::patientKey, ChunkSet::op, ChunkSet::sourceId)
                        .containsExactlyInAnyOrder(
                                tuple(retired, RecordOp.DELETE, "Composition/summary-" + retired.substring(3)),
                                tuple(retired, RecordOp.MERGE, "Patient/p-1"),
                                tuple(survivor, RecordOp.UPSERT, "Encounter/e1"),
                                tuple(survivor, RecordOp.UPSERT, "Composition/summary-" + survivor.substring(3)));
                // A later record of the survivor, in the survivor's task, combines with the moved items.
                send(producer, upsert(survivor, "Condition", "c10", condition("c10", "e9", "Migraine")));
                String summaryId = "Composition/summary-" + survivor.substring(3);
                ChunkSet summary = poll(sets, 2).stream().filter(x -> x.sourceId().equals(summaryId)).findFirst()
                        .orElseThrow();
                assertThat(summary.chunks().stream().map(org.ehrflow.schemas.Chunk::text).reduce("", String::concat))
                        .contains("Asthma", "Migraine", "Type 2 diabetes mellitus");
                // A late record still keyed by the retired patient (another ingress was slower than the MERGE):
                // sent on from the retired task to the survivor's through the transfer topic, it joins the moved
                // story there; nothing new appears under the retired key.
                send(producer, upsert(retired, "Condition", "c2", condition("c2", "e1", "Chronic kidney disease")));
                List<ChunkSet> late = poll(sets, 2);
                assertThat(late).extracting(ChunkSet::patientKey).containsOnly(survivor);
                ChunkSet story = late.stream().filter(x -> x.sourceId().equals("Encounter/e1")).findFirst()
                        .orElseThrow();
                assertThat(story.chunks().stream().map(org.ehrflow.schemas.Chunk::text).reduce("", String::concat))
                        .contains("Type 2 diabetes mellitus", "Chronic kidney disease");
                assertThat(app.isRunning()).isTrue();
            }
            // Streams created its internal transfer topic (brokers here do not auto-create) with the input's count.
            try (var admin = org.apache.kafka.clients.admin.Admin.create(settings.clientProps())) {
                String topic = Topics.APP_CHUNKER + "-merge-transfer-repartition";
                assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions())
                        .hasSize(2);
            }
        }
    }

    // Minimal synthetic active Condition filed under an encounter.
    private static String condition(String id, String encounter, String text) {
        return "{\"resourceType\":\"Condition\",\"id\":\"" + id + "\",\"clinicalStatus\":{\"coding\":[{\"code\":"
                + "\"active\"}]},\"code\":{\"text\":\"" + text + "\"},\"encounter\":{\"reference\":\"Encounter/"
                + encounter + "\"},\"onsetDateTime\":\"2024-03-01\"}";
    }

    private static FhirRecord upsert(String pk, String type, String id, String json) {
        return new FhirRecord(pk, RecordOp.UPSERT, type, id, "1", null, json, TestSupport.provenance());
    }

    private static void send(KafkaProducer<String, byte[]> producer, FhirRecord rec) throws Exception {
        producer.send(new ProducerRecord<>(Topics.FHIR_RESOURCES.name(), rec.patientKey(),
                Topics.FHIR_RESOURCES.valueSerde().serializer().serialize("", rec))).get();
    }

    private static int partition(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 2;
    }

    private static KafkaConsumer<String, byte[]> committedConsumer(KafkaSettings settings, String topic) {
        Properties p = settings.clientProps();
        p.putAll(Map.of("group.id", "it-merge-" + topic, "auto.offset.reset", "earliest", "isolation.level",
                "read_committed"));
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer());
        c.subscribe(List.of(topic));
        return c;
    }

    // The next n chunk sets (each validated against the contract), or fewer after 60 s.
    private static List<ChunkSet> poll(KafkaConsumer<String, byte[]> c, int n) {
        List<ChunkSet> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (out.size() < n && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                assertThat(SchemaValidator.problems(Topics.CHUNKS, r.value())).isEmpty();
                out.add(Topics.CHUNKS.valueSerde().deserializer().deserialize("", r.value()));
            }
        }
        assertThat(out).as("chunk sets").hasSize(n);
        return out;
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
