package org.ehrflow.ops.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.runtime.DeadLetters;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The dlq command against a real broker: counting and listing never print payloads; replay restores records. */
@Timeout(120)
class DlqCliIT {

    /** Synthetic payload text standing in for PHI: it must appear only with show --payload. */
    private static final String SECRET = "DOE^JANE^SYNTHETIC";
    private static final String NORM_DLQ = Topics.dlq(Topics.APP_FHIR_NORMALIZER).name();

    private static KafkaFixture kafka;
    private static KafkaSettings settings;

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaFixture.start();
        settings = KafkaSettings.of(kafka.bootstrapServers());
        TopicAdmin.ensureTopics(settings, 2, (short) 1);
        try (KafkaProducer<String, DeadLetter> p = new KafkaProducer<>(settings.clientProps(), new StringSerializer(),
                Topics.dlq(Topics.APP_FHIR_NORMALIZER).valueSerde().serializer())) {
            // Two parse errors from raw HL7 offsets 7 and 8, one unsupported FHIR resource, one listener ingress
            // reject.
            send(p, DeadLetters.of(Topics.APP_FHIR_NORMALIZER, "HL7_PARSE_ERROR", null, Topics.RAW_HL7V2.name(), 1, 7,
                    "M7", ("MSH|" + SECRET + "|7").getBytes(StandardCharsets.UTF_8)));
            send(p, DeadLetters.of(Topics.APP_FHIR_NORMALIZER, "HL7_PARSE_ERROR", null, Topics.RAW_HL7V2.name(), 1, 8,
                    "M8", ("MSH|" + SECRET + "|8").getBytes(StandardCharsets.UTF_8)));
            send(p, DeadLetters.of(Topics.APP_FHIR_NORMALIZER, "FHIR_UNSUPPORTED_TYPE", null, Topics.RAW_FHIR.name(),
                    0, 3, "Basic/1", "{}".getBytes(StandardCharsets.UTF_8)));
            send(p, DeadLetters.atIngress(Topics.APP_HL7_LISTENER, "MLLP_FRAME_TOO_LARGE", null, "M9",
                    "MSH|x".getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static void send(KafkaProducer<String, DeadLetter> p, DeadLetter dl) throws Exception {
        p.send(DeadLetters.record("pk_0000000000000000000000000000dead", dl)).get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void countsByReasonWithoutPayloads() throws Exception {
        Result r = run("count");
        assertThat(r.status).isZero();
        assertThat(r.out).containsPattern(NORM_DLQ.replace(".", "\\.") + "\\s+HL7_PARSE_ERROR\\s+2")
                .containsPattern("FHIR_UNSUPPORTED_TYPE\\s+1").containsPattern("MLLP_FRAME_TOO_LARGE\\s+1")
                .doesNotContain(SECRET);
    }

    @Test
    void listsPositionsAndCodesOnly() throws Exception {
        Result r = run("list", "--topic", Topics.APP_FHIR_NORMALIZER, "--reason", "HL7_PARSE_ERROR");
        assertThat(r.out.lines().filter(l -> l.contains("HL7_PARSE_ERROR"))).hasSize(2);
        assertThat(r.out).contains("ehr.raw.hl7v2.v1-1@7").doesNotContain(SECRET)
                .doesNotContain("pk_0000000000000000000000000000dead");
    }

    @Test
    void showPrintsThePayloadOnlyWhenAsked() throws Exception {
        Result list = run("list", "--topic", Topics.APP_FHIR_NORMALIZER, "--reason", "HL7_PARSE_ERROR");
        String at = list.out.lines().filter(l -> l.contains("hl7v2.v1-1@7")).findFirst().orElseThrow()
                .split("\\s+")[0].replace(NORM_DLQ + "-", "");
        Result hidden = run("show", "--topic", Topics.APP_FHIR_NORMALIZER, "--at", at);
        assertThat(hidden.status).isZero();
        assertThat(hidden.out).contains("payload not shown").doesNotContain(SECRET);
        Result shown = run("show", "--topic", Topics.APP_FHIR_NORMALIZER, "--at", at, "--payload");
        assertThat(shown.out).contains("MSH|" + SECRET + "|7");
    }

    @Test
    void replayNeedsASelectionAndSendsOriginalBytesBackToTheSourceTopic() throws Exception {
        assertThat(run("replay", "--topic", Topics.APP_FHIR_NORMALIZER).status).isEqualTo(2);
        Result dry = run("replay", "--topic", Topics.APP_FHIR_NORMALIZER, "--reason", "HL7_PARSE_ERROR", "--dry-run");
        assertThat(dry.out).contains("dry run: replayed 0");
        Result r = run("replay", "--topic", Topics.APP_FHIR_NORMALIZER, "--reason", "HL7_PARSE_ERROR");
        assertThat(r.status).isZero();
        assertThat(r.out).contains("replayed 2, not replayable 0");
        List<ConsumerRecord<String, byte[]>> back = readAll(Topics.RAW_HL7V2.name(), 2);
        assertThat(back).extracting(rec -> new String(rec.value(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("MSH|" + SECRET + "|7", "MSH|" + SECRET + "|8");
        assertThat(back).allSatisfy(rec -> {
            assertThat(rec.key()).isEqualTo("pk_0000000000000000000000000000dead");
            assertThat(rec.headers().lastHeader(DlqReplayer.REPLAYED_FROM)).isNotNull();
        });
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
        Properties p = settings.clientProps();
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> tps = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            c.assign(tps);
            c.seekToBeginning(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private record Result(int status, String out) {
    }

    private static Result run(String... args) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int status = DlqCli.run(args, settings, new PrintStream(buf, true, StandardCharsets.UTF_8));
        return new Result(status, buf.toString(StandardCharsets.UTF_8));
    }
}
