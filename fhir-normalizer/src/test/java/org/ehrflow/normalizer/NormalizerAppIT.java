package org.ehrflow.normalizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import org.apache.kafka.streams.KafkaStreams;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.normalizer.mapping.Fixtures;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.schemas.DlqHeaders;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.SchemaValidator;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The app on a real KRaft broker with exactly_once_v2: an HL7 message maps, a corrupt record is dead-lettered. */
class NormalizerAppIT {

    @TempDir
    Path stateDir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void normalisesHl7AndDeadLettersCorruptBytesOnARealBroker() {
        try (KafkaFixture kafka = KafkaFixture.start()) {
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            TopicAdmin.ensureTopics(settings, 2, (short) 1);
            NormalizerConfig config = NormalizerConfig.defaults(settings).withStateDir(stateDir);
            try (NormalizerApp app = NormalizerApp.start(config, new SimpleMeterRegistry());
                    KafkaProducer<String, byte[]> producer = producer(settings);
                    KafkaConsumer<String, byte[]> consumer = consumer(settings)) {
                String oru = Fixtures.er7("MSH|^~\\&|LAB|HOSP|EHR|HOSP|20240102030405||ORU^R01|IT-1|P|2.5.1",
                        "PID|1||12345^^^HOSP^MR||Doe^Jane", // PID.3 MRN of HOSP
                        "OBR|1||F-1^LAB|GLU^Glucose^L", "OBX|1|NM|GLU^Glucose^L||5.4|mmol/L|||||F");
                producer.send(new ProducerRecord<>(Topics.RAW_HL7V2.name(), "k",
                        Topics.RAW_HL7V2.valueSerde().serializer().serialize("t", Fixtures.hl7(oru))));
                producer.send(new ProducerRecord<>(Topics.RAW_HL7V2.name(), "bad",
                        "garbage".getBytes(StandardCharsets.UTF_8)));
                producer.flush();

                consumer.subscribe(List.of(Topics.FHIR_RESOURCES.name(),
                        Topics.dlq(Topics.APP_FHIR_NORMALIZER).name()));
                List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
                await("3 FHIR records and 1 dead letter").atMost(Duration.ofSeconds(90)).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                    return seen.size() >= 4;
                });
                List<ConsumerRecord<String, byte[]>> fhir = seen.stream()
                        .filter(r -> r.topic().equals(Topics.FHIR_RESOURCES.name())).toList();
                assertThat(fhir).hasSize(3).allSatisfy(r -> {
                    assertThat(SchemaValidator.problems(Topics.FHIR_RESOURCES, r.value())).isEmpty();
                    FhirRecord v = Topics.FHIR_RESOURCES.valueSerde().deserializer().deserialize("t", r.value());
                    assertThat(r.key()).isEqualTo(v.patientKey()).startsWith("pk_");
                    assertThat(v.provenance().rawTopic()).isEqualTo(Topics.RAW_HL7V2.name());
                });
                ConsumerRecord<String, byte[]> dead = seen.stream()
                        .filter(r -> !r.topic().equals(Topics.FHIR_RESOURCES.name())).findFirst().orElseThrow();
                assertThat(new String(dead.headers().lastHeader(DlqHeaders.REASON).value(), StandardCharsets.UTF_8))
                        .isEqualTo("RAW_DESERIALIZATION_ERROR");
                assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
            }
        }
    }

    private static KafkaProducer<String, byte[]> producer(KafkaSettings s) {
        Properties p = s.clientProps();
        p.put("acks", "all");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<String, byte[]> consumer(KafkaSettings s) {
        Properties p = s.clientProps();
        p.put("group.id", "normalizer-it");
        p.put("auto.offset.reset", "earliest");
        p.put("isolation.level", "read_committed");
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
