package org.ehrflow.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ehrflow.demo.sources.SyntheticHl7;
import org.ehrflow.listener.Hl7ListenerApp;
import org.ehrflow.listener.ListenerConfig;
import org.ehrflow.mllp.MllpClient;
import org.ehrflow.localstack.BrokerSecurity;
import org.ehrflow.localstack.Dirs;
import org.ehrflow.localstack.EmbeddedKafka;
import org.ehrflow.normalizer.NormalizerApp;
import org.ehrflow.normalizer.NormalizerConfig;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.StageAcls;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real stages against a broker that requires {@code SASL_SSL} (SCRAM-SHA-512 over TLS) and enforces the ACLs of
 * {@link StageAcls}: the listener and the exactly-once normaliser, each under its own principal, carry an HL7
 * message from MLLP to the normalised topic; each principal is refused what belongs to another stage; a wrong
 * password is refused at authentication.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SecureBrokerIT {

    private static final String ADMIN = "admin";

    @Test
    void eachStageReachesOnlyItsOwnTopicsOverSaslSsl() throws Exception {
        Path dir = Files.createTempDirectory("ehrflow-secure-it-");
        BrokerSecurity sec = BrokerSecurity.generate(dir.resolve("tls"), ADMIN, List.of(Topics.APP_HL7_LISTENER,
                Topics.APP_FHIR_NORMALIZER, Topics.APP_EMBEDDER_SINK));
        List<AutoCloseable> open = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.startSecure(sec)) {
            TopicAdmin.ensureTopics(settings(kafka, sec, ADMIN), 2, (short) 1);
            try (Admin admin = Admin.create(settings(kafka, sec, ADMIN).clientProps())) {
                Map<String, String> principals = new HashMap<>();
                for (String stage : List.of(Topics.APP_HL7_LISTENER, Topics.APP_FHIR_NORMALIZER,
                        Topics.APP_EMBEDDER_SINK)) {
                    principals.put(stage, "User:" + stage);
                }
                StageAcls.apply(admin, principals);
            }
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Hl7ListenerApp listener = Hl7ListenerApp.start(ListenerConfig.defaults(
                    settings(kafka, sec, Topics.APP_HL7_LISTENER)).withPort(0), registry);
            open.add(listener);
            NormalizerApp normalizer = NormalizerApp.start(NormalizerConfig.defaults(
                    settings(kafka, sec, Topics.APP_FHIR_NORMALIZER)).withStateDir(dir.resolve("state")), registry);
            open.add(normalizer);
            await("normaliser running").atMost(Duration.ofSeconds(120)).until(normalizer::isReady);

            try (MllpClient client = MllpClient.connect("127.0.0.1", listener.port(), Duration.ofSeconds(30))) {
                assertThat(MllpClient.ackCode(client.send(SyntheticHl7.troponin("SEC-0001")))).isEqualTo("AA");
            }
            // The sink's principal reads what the normaliser (its own principal, transactions) wrote.
            try (KafkaConsumer<String, byte[]> c = consumer(kafka, sec, Topics.APP_EMBEDDER_SINK)) {
                List<TopicPartition> parts = List.of(new TopicPartition(Topics.FHIR_RESOURCES.name(), 0),
                        new TopicPartition(Topics.FHIR_RESOURCES.name(), 1));
                c.assign(parts);
                c.seekToBeginning(parts);
                List<String> ids = new ArrayList<>();
                await("normalised over SASL_SSL").atMost(Duration.ofSeconds(60)).until(() -> {
                    c.poll(Duration.ofMillis(500)).forEach(r -> {
                        FhirRecord f = Topics.FHIR_RESOURCES.valueSerde().deserializer().deserialize(r.topic(),
                                r.value());
                        ids.add(f.provenance().sourceMessageId());
                    });
                    return ids.contains("SEC-0001");
                });
            }

            // Least privilege: every stage is refused another stage's topics.
            assertDeniedWrite(kafka, sec, Topics.APP_HL7_LISTENER, Topics.FHIR_RESOURCES.name());
            assertDeniedWrite(kafka, sec, Topics.APP_EMBEDDER_SINK, Topics.CHUNKS.name());
            assertDeniedWrite(kafka, sec, Topics.APP_FHIR_NORMALIZER, Topics.RAW_HL7V2.name());
            assertDeniedRead(kafka, sec, Topics.APP_HL7_LISTENER, Topics.RAW_FHIR.name());
            assertDeniedRead(kafka, sec, Topics.APP_EMBEDDER_SINK, Topics.RAW_HL7V2.name());

            // Authentication: a wrong password never gets in.
            Map<String, String> wrong = new HashMap<>(sec.clientProperties(Topics.APP_EMBEDDER_SINK));
            wrong.put("sasl.jaas.config", wrong.get("sasl.jaas.config").replaceFirst("password=\"[^\"]*\"",
                    "password=\"not-the-password\""));
            try (KafkaProducer<String, byte[]> p = producer(new KafkaSettings(kafka.bootstrapServers(), wrong))) {
                assertThatThrownBy(() -> p.send(new ProducerRecord<>(Topics.dlq(Topics.APP_EMBEDDER_SINK).name(),
                        "k", "v".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(SaslAuthenticationException.class);
            }
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
            Dirs.deleteQuietly(dir);
        }
    }

    private static KafkaSettings settings(EmbeddedKafka kafka, BrokerSecurity sec, String user) {
        return new KafkaSettings(kafka.bootstrapServers(), sec.clientProperties(user));
    }

    private static void assertDeniedWrite(EmbeddedKafka kafka, BrokerSecurity sec, String user, String topic) {
        try (KafkaProducer<String, byte[]> p = producer(settings(kafka, sec, user))) {
            assertThatThrownBy(() -> p.send(new ProducerRecord<>(topic, "k", "v".getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS)).as("%s writing %s", user, topic)
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    private static void assertDeniedRead(EmbeddedKafka kafka, BrokerSecurity sec, String user, String topic) {
        try (KafkaConsumer<String, byte[]> c = consumer(kafka, sec, user)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            assertThatThrownBy(() -> {
                for (int i = 0; i < 20; i++) {
                    c.poll(Duration.ofMillis(500));
                }
            }).as("%s reading %s", user, topic).isInstanceOf(TopicAuthorizationException.class);
        }
    }

    private static KafkaProducer<String, byte[]> producer(KafkaSettings s) {
        Properties p = s.clientProps();
        p.put("acks", "all");
        p.put("max.block.ms", "30000");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<String, byte[]> consumer(EmbeddedKafka kafka, BrokerSecurity sec, String user) {
        Properties p = settings(kafka, sec, user).clientProps();
        p.put("isolation.level", "read_committed");
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
