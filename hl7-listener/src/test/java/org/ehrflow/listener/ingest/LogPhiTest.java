package org.ehrflow.listener.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ehrflow.listener.hl7.AckIds;
import org.ehrflow.listener.intake.Hl7Intake;
import org.ehrflow.listener.publish.RawPublisher;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A sentinel patient's name and MRN never reach log lines or DLQ headers, on any path. */
class LogPhiTest {

    private static final String NAME = "Zyxwvut";
    private static final String MRN = "SENTINEL4711";
    // Accepted path: PID-3 MRN and PID-5 name are the sentinel.
    private static final String GOOD = "MSH|^~\\&|S|F|R|RF|20240101||ADT^A01|PHI-1|P|2.5\r"
            + "PID|1||" + MRN + "^^^HOSP^MR||" + NAME + "^Test\r";
    // Rejected path (MSH-11 'X'): the same patient in a message that is dead-lettered.
    private static final String BAD = GOOD.replace("|P|2.5", "|X|2.5");

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private ch.qos.logback.classic.Level before;

    @BeforeEach
    void capture() {
        before = root.getLevel();
        root.setLevel(ch.qos.logback.classic.Level.DEBUG);
        appender.start();
        root.addAppender(appender);
    }

    @AfterEach
    void release() {
        root.detachAppender(appender);
        root.setLevel(before);
    }

    @Test
    void sentinelNeverLogged() throws Exception {
        MockProducer<String, byte[]> p = new MockProducer<>(false, new StringSerializer(), new ByteArraySerializer());
        Hl7Intake intake = new Hl7Intake(StandardCharsets.UTF_8, Set.of("P"), PatientKeyResolver.defaults(),
                ZoneOffset.UTC, Clock.systemUTC());
        IngestHandler h = new IngestHandler(intake, new RawPublisher(p), Runnable::run, Duration.ofSeconds(5),
                new AckIds(0), Clock.systemUTC(), new ListenerMetrics(new SimpleMeterRegistry()));

        var aa = h.onFrame(GOOD.getBytes(StandardCharsets.UTF_8)).toCompletableFuture();
        p.completeNext();
        var ae = h.onFrame(GOOD.getBytes(StandardCharsets.UTF_8)).toCompletableFuture();
        p.errorNext(new org.apache.kafka.common.errors.NetworkException("broker gone " + NAME));
        var ar = h.onFrame(BAD.getBytes(StandardCharsets.UTF_8)).toCompletableFuture();
        p.completeNext();
        for (var f : List.of(aa, ae, ar)) {
            f.get(5, TimeUnit.SECONDS);
        }

        assertThat(appender.list).isNotEmpty();
        assertThat(appender.list).allSatisfy(e -> assertThat(e.getFormattedMessage())
                .doesNotContain(NAME).doesNotContain(MRN));
        for (Header header : p.history().get(2).headers()) {
            assertThat(new String(header.value(), StandardCharsets.UTF_8)).doesNotContain(NAME).doesNotContain(MRN);
        }
    }
}
