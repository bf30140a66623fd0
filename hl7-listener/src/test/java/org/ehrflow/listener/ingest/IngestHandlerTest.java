package org.ehrflow.listener.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ehrflow.listener.Fixtures;
import org.ehrflow.mllp.MllpClient;
import org.ehrflow.listener.hl7.AckIds;
import org.ehrflow.listener.intake.Hl7Intake;
import org.ehrflow.listener.publish.RawPublisher;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.DlqHeaders;
import org.ehrflow.schemas.SchemaValidator;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.Test;

class IngestHandlerTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private IngestHandler handler(MockProducer<String, byte[]> producer, Duration deadline) {
        Hl7Intake intake = new Hl7Intake(StandardCharsets.UTF_8, Set.of("P", "T", "D"), PatientKeyResolver.defaults(),
                ZoneOffset.UTC, Clock.systemUTC());
        return new IngestHandler(intake, new RawPublisher(producer), Runnable::run, deadline, new AckIds(0),
                Clock.systemUTC(), new ListenerMetrics(registry));
    }

    private static MockProducer<String, byte[]> manualProducer() {
        return new MockProducer<>(false, new StringSerializer(), new ByteArraySerializer());
    }

    private static String text(CompletableFuture<byte[]> f) throws Exception {
        return new String(f.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
    }

    @Test
    void aaOnlyAfterTheBrokerAcknowledged() throws Exception {
        MockProducer<String, byte[]> p = manualProducer();
        CompletableFuture<byte[]> ack = handler(p, Duration.ofSeconds(5))
                .onFrame(Fixtures.ADT_A01.getBytes(StandardCharsets.UTF_8)).toCompletableFuture();
        assertThat(p.history()).hasSize(1);
        assertThat(ack).isNotDone();                                   // not before the broker's ack
        p.completeNext();
        assertThat(MllpClient.ackCode(text(ack))).isEqualTo("AA");
        assertThat(p.history().get(0).topic()).isEqualTo(Topics.RAW_HL7V2.name());
        assertThat(SchemaValidator.problems(Topics.RAW_HL7V2, p.history().get(0).value())).isEmpty();
        assertThat(registry.get("ehrflow.listener.acks").tags("code", "AA", "reason", "NONE").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void sendFailureIsAnsweredAe() throws Exception {
        MockProducer<String, byte[]> p = manualProducer();
        CompletableFuture<byte[]> ack = handler(p, Duration.ofSeconds(5))
                .onFrame(Fixtures.ADT_A01.getBytes(StandardCharsets.UTF_8)).toCompletableFuture();
        p.errorNext(new org.apache.kafka.common.errors.NotEnoughReplicasException("test"));
        String a = text(ack);
        assertThat(MllpClient.ackCode(a)).isEqualTo("AE");
        assertThat(a).contains("BROKER_ERROR");
    }

    @Test
    void noBrokerAckWithinTheDeadlineIsAnsweredAe() throws Exception {
        MockProducer<String, byte[]> p = manualProducer();          // never completes
        CompletableFuture<byte[]> ack = handler(p, Duration.ofMillis(200))
                .onFrame(Fixtures.ADT_A01.getBytes(StandardCharsets.UTF_8)).toCompletableFuture();
        String a = text(ack);
        assertThat(MllpClient.ackCode(a)).isEqualTo("AE");
        assertThat(a).contains("BROKER_TIMEOUT");
    }

    @Test
    void rejectedMessageIsDeadLetteredBeforeTheAr() throws Exception {
        MockProducer<String, byte[]> p = manualProducer();
        byte[] garbage = "not hl7 at all".getBytes(StandardCharsets.UTF_8);
        CompletableFuture<byte[]> ack = handler(p, Duration.ofSeconds(5)).onFrame(garbage).toCompletableFuture();
        assertThat(ack).isNotDone();                                   // waits for the DLQ write
        p.completeNext();
        String a = text(ack);
        assertThat(MllpClient.ackCode(a)).isEqualTo("AR");
        assertThat(a).contains("MSH_MISSING");
        var dl = p.history().get(0);
        assertThat(dl.topic()).isEqualTo(Topics.dlq(Topics.APP_HL7_LISTENER).name());
        assertThat(new String(dl.headers().lastHeader(DlqHeaders.REASON).value(), StandardCharsets.UTF_8))
                .isEqualTo("MSH_MISSING");
        assertThat(SchemaValidator.problems(Topics.dlq(Topics.APP_HL7_LISTENER), dl.value())).isEmpty();
        var value = Topics.dlq(Topics.APP_HL7_LISTENER).valueSerde().deserializer().deserialize(dl.topic(), dl.value());
        assertThat(value.original()).isEqualTo(garbage);
    }

    @Test
    void failedDeadLetterWriteStillAnswersAr() throws Exception {
        MockProducer<String, byte[]> p = manualProducer();
        CompletableFuture<byte[]> ack = handler(p, Duration.ofSeconds(5))
                .onFrame("MSH|^~\\&|A|B|C|D|20240101||ADT^A01||P|2.5\r".getBytes(StandardCharsets.UTF_8))
                .toCompletableFuture();
        p.errorNext(new org.apache.kafka.common.errors.TimeoutException("test"));
        assertThat(MllpClient.ackCode(text(ack))).isEqualTo("AR");
        assertThat(registry.get("ehrflow.listener.dlq.writes").tag("outcome", "failed").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void ackIsEncodedInTheMessageCharset() throws Exception {
        MockProducer<String, byte[]> p = new MockProducer<>(true, new StringSerializer(), new ByteArraySerializer());
        // MSH-5 contains an umlaut; MSH-18 says 8859/1, so the ACK's MSH-3 must be the single byte 0xE4.
        String msg = "MSH|^~\\&|S|F|R\u00e4|RF|20240101||ADT^A01|C1|P|2.5||||||8859/1\rPID|1||1^^^HOSP^MR\r";
        byte[] ack = handler(p, Duration.ofSeconds(5)).onFrame(msg.getBytes(StandardCharsets.ISO_8859_1))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        String decoded = new String(ack, StandardCharsets.ISO_8859_1);
        assertThat(decoded).startsWith("MSH|^~\\&|R\u00e4|RF|S|F|");
        assertThat(MllpClient.ackCode(decoded)).isEqualTo("AA");
    }
}
