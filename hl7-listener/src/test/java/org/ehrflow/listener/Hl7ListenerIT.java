package org.ehrflow.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.mllp.MllpClient;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.DlqHeaders;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.SchemaValidator;
import org.ehrflow.schemas.TopicSpec;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** The listener against a real broker over a real socket: AA means "in the topic", AR means "in the DLQ". */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class Hl7ListenerIT {

    private static final Path CORPUS = Path.of("../../shared/corpus/hl7v2");
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(15);

    private KafkaFixture kafka;
    private KafkaSettings settings;
    private Hl7ListenerApp app;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeAll
    void startStack() {
        kafka = KafkaFixture.start();
        settings = KafkaSettings.of(kafka.bootstrapServers());
        TopicAdmin.ensureTopics(settings, 3, (short) 1);
        app = Hl7ListenerApp.start(ListenerConfig.defaults(settings).withPort(0), registry);
    }

    @AfterAll
    void stopStack() {
        if (app != null) {
            app.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private MllpClient client(Hl7ListenerApp target) throws IOException {
        return MllpClient.connect("127.0.0.1", target.port(), CLIENT_TIMEOUT);
    }

    /** Reads {@code topic} from the beginning until a record matches or the timeout passes. */
    private Optional<ConsumerRecord<String, byte[]>> find(TopicSpec<?, ?> topic,
            Predicate<ConsumerRecord<String, byte[]>> match, Duration timeout) {
        Properties p = settings.clientProps();
        p.put("enable.auto.commit", "false");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic.name()).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long end = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < end) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (match.test(r)) {
                        return Optional.of(r);
                    }
                }
            }
            return Optional.empty();
        }
    }

    private static RawMessage raw(ConsumerRecord<String, byte[]> r) {
        return Topics.RAW_HL7V2.valueSerde().deserializer().deserialize(r.topic(), r.value());
    }

    @Test
    void aaOnlyOnceTheRecordIsInTheRawTopic() throws Exception {
        String ack;
        try (MllpClient c = client(app)) {
            ack = c.send(Fixtures.adt("IT-AA-1"));
        }
        assertThat(MllpClient.ackCode(ack)).isEqualTo("AA");
        assertThat(MllpClient.msaField(ack, 2)).isEqualTo("IT-AA-1");
        // acks=all on a single replica: an AA'd record is already readable, so a short wait suffices.
        ConsumerRecord<String, byte[]> r = find(Topics.RAW_HL7V2,
                rec -> raw(rec).provenance().sourceMessageId().equals("IT-AA-1"), Duration.ofSeconds(10))
                .orElseThrow(() -> new AssertionError("AA'd message not in " + Topics.RAW_HL7V2.name()));
        assertThat(r.key()).isEqualTo(PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "12345"));
        assertThat(SchemaValidator.problems(Topics.RAW_HL7V2, r.value())).isEmpty();
        RawMessage m = raw(r);
        assertThat(m.contentType()).isEqualTo(RawMessage.ContentType.HL7V2_ER7);
        assertThat(m.provenance().sourceSystem()).isEqualTo("SENDAPP^SENDFAC");
        assertThat(m.payload()).isEqualTo(Fixtures.adt("IT-AA-1"));
        assertThat(app.ready()).isTrue();
    }

    @Test
    void garbageIsRejectedAndDeadLetteredWhileTheConnectionGoesOn() throws Exception {
        byte[] garbage = "IT-GARBAGE this is not HL7".getBytes(StandardCharsets.UTF_8);
        try (MllpClient c = client(app)) {
            String ar = new String(c.sendBytes(garbage), StandardCharsets.UTF_8);
            assertThat(MllpClient.ackCode(ar)).isEqualTo("AR");
            assertThat(ar).contains("MSH_MISSING");
            String aa = c.send(Fixtures.adt("IT-AFTER-GARBAGE"));
            assertThat(MllpClient.ackCode(aa)).isEqualTo("AA");
        }
        TopicSpec<String, DeadLetter> dlq = Topics.dlq(Topics.APP_HL7_LISTENER);
        ConsumerRecord<String, byte[]> r = find(dlq, rec -> new String(
                dlq.valueSerde().deserializer().deserialize(rec.topic(), rec.value()).original(),
                StandardCharsets.UTF_8).startsWith("IT-GARBAGE"), Duration.ofSeconds(10))
                .orElseThrow(() -> new AssertionError("no dead letter"));
        assertThat(new String(r.headers().lastHeader(DlqHeaders.REASON).value(), StandardCharsets.UTF_8))
                .isEqualTo("MSH_MISSING");
        assertThat(SchemaValidator.problems(dlq, r.value())).isEmpty();
        assertThat(dlq.valueSerde().deserializer().deserialize(r.topic(), r.value()).original()).isEqualTo(garbage);
    }

    @Test
    void unreachableBrokerIsAnsweredAe() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ListenerConfig cfg = ListenerConfig.defaults(KafkaSettings.of("127.0.0.1:" + closedPort)).withPort(0)
                .withAckDeadline(Duration.ofMillis(1500));
        try (Hl7ListenerApp down = Hl7ListenerApp.start(cfg, new SimpleMeterRegistry());
                MllpClient c = client(down)) {
            long t0 = System.nanoTime();
            String ack = c.send(Fixtures.adt("IT-AE-1"));
            assertThat(MllpClient.ackCode(ack)).isEqualTo("AE");
            assertThat(ack).containsAnyOf("BROKER_TIMEOUT", "BROKER_ERROR");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            assertThat(down.ready()).isFalse();
        }
    }

    @Test
    void everyCorpusMessageIsAcceptedOrRejectedWithAReason() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(CORPUS), "shared corpus not present");
        List<Path> files;
        try (Stream<Path> s = Files.list(CORPUS)) {
            files = s.filter(f -> f.toString().endsWith(".hl7")).sorted().toList();
        }
        Map<String, Integer> tally = new TreeMap<>();
        List<String> rejected = new ArrayList<>();
        long t0 = System.nanoTime();
        try (MllpClient c = client(app)) {
            for (Path f : files) {
                byte[] reply = c.sendBytes(Files.readAllBytes(f));
                String ack = new String(reply, StandardCharsets.ISO_8859_1);
                String code = MllpClient.ackCode(ack);
                String reason = code.equals("AA") ? "" : reasonOf(ack);
                tally.merge(code + (reason.isEmpty() ? "" : " " + reason), 1, Integer::sum);
                if (!code.equals("AA")) {
                    rejected.add(f.getFileName() + " -> " + code + " " + reason);
                }
            }
        }
        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        System.out.printf("corpus: %d files over one connection in %d ms; tally %s%n", files.size(), ms, tally);
        rejected.forEach(r -> System.out.println("  " + r));
        assertThat(files).isNotEmpty();
        assertThat(tally.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(files.size());
        // Transient answers would mean the broker path failed; the corpus is all valid-enough HL7.
        assertThat(tally.keySet()).allSatisfy(k -> assertThat(k).matches("AA|AR [A-Z0-9_]+"));
        assertThat(tally.getOrDefault("AA", 0)).isGreaterThanOrEqualTo(files.size() - rejected.size());
    }

    @Test
    void concurrentSendersAreAllAcknowledged() throws Exception {
        int senders = 4;
        int perSender = 250;
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        long t0 = System.nanoTime();
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int sender = s;
                done.add(pool.submit(() -> {
                    int aa = 0;
                    try (MllpClient c = client(app)) {
                        for (int i = 0; i < perSender; i++) {
                            // Distinct patients so the records spread over the partitions.
                            String msg = Fixtures.adt("LOAD-" + sender + "-" + i)
                                    .replace("12345^^^HOSP", "P" + sender + "-" + i + "^^^HOSP");
                            aa += MllpClient.ackCode(c.send(msg)).equals("AA") ? 1 : 0;
                        }
                    }
                    return aa;
                }));
            }
            int total = 0;
            for (var f : done) {
                total += f.get();
            }
            assertThat(total).isEqualTo(senders * perSender);
        } finally {
            pool.shutdownNow();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        var timer = registry.get("ehrflow.listener.ack.latency").tag("code", "AA").timer();
        System.out.printf("load: %d messages over %d connections in %.2f s (%.0f msg/s); AA latency mean %.2f ms,"
                + " max %.2f ms (all AA so far: %d)%n", senders * perSender, senders, secs, senders * perSender / secs,
                timer.mean(TimeUnit.MILLISECONDS),
                timer.max(TimeUnit.MILLISECONDS), timer.count());
    }

    @Test
    void onlyAllowListedFacilitiesAreAccepted() throws Exception {
        ListenerConfig cfg = ListenerConfig.defaults(settings).withPort(0)
                .withAllowedFacilities(Set.of("SENDFAC"));
        try (Hl7ListenerApp guarded = Hl7ListenerApp.start(cfg, new SimpleMeterRegistry());
                MllpClient c = client(guarded)) {
            assertThat(MllpClient.ackCode(c.send(Fixtures.adt("IT-ALLOWED")))).isEqualTo("AA");
            String ar = c.send(Fixtures.adt("IT-STRANGER").replace("|SENDFAC|", "|OTHERFAC|"));
            assertThat(MllpClient.ackCode(ar)).isEqualTo("AR");
            assertThat(ar).contains("FACILITY_NOT_ALLOWED");
        }
    }

    @Test
    void mutualTlsListenerStoresAndAcknowledges(@org.junit.jupiter.api.io.TempDir Path certDir) throws Exception {
        var certs = org.ehrflow.listener.tls.TestCerts.generate(certDir);
        ListenerConfig cfg = ListenerConfig.defaults(settings).withPort(0).withTls(certs.mutualTls());
        try (Hl7ListenerApp tls = Hl7ListenerApp.start(cfg, new SimpleMeterRegistry());
                MllpClient c = MllpClient.connectTls("127.0.0.1", tls.port(), CLIENT_TIMEOUT,
                        certs.client("client"))) {
            assertThat(MllpClient.ackCode(c.send(Fixtures.adt("IT-TLS-1")))).isEqualTo("AA");
            assertThat(tls.ready()).isTrue();
        }
        assertThat(find(Topics.RAW_HL7V2, rec -> raw(rec).provenance().sourceMessageId().equals("IT-TLS-1"),
                Duration.ofSeconds(10))).isPresent();
    }

    @Test
    void aClientCertificateMaySendOnlyForItsOwnFacilities(@org.junit.jupiter.api.io.TempDir Path certDir)
            throws Exception {
        var certs = org.ehrflow.listener.tls.TestCerts.generate(certDir);
        // The trusted client certificate is CN=sender.example: it speaks for SENDFAC, not for OTHERFAC.
        ListenerConfig cfg = ListenerConfig.defaults(settings).withPort(0).withTls(certs.mutualTls()
                .withClientFacilities(Map.of("sender.example", Set.of("SENDFAC"))));
        try (Hl7ListenerApp tls = Hl7ListenerApp.start(cfg, new SimpleMeterRegistry());
                MllpClient c = MllpClient.connectTls("127.0.0.1", tls.port(), CLIENT_TIMEOUT,
                        certs.client("client"))) {
            assertThat(MllpClient.ackCode(c.send(Fixtures.adt("IT-CERT-OWN")))).isEqualTo("AA");
            String ar = c.send(Fixtures.adt("IT-CERT-OTHER").replace("|SENDFAC|", "|OTHERFAC|"));
            assertThat(MllpClient.ackCode(ar)).isEqualTo("AR");
            assertThat(reasonOf(ar)).isEqualTo("FACILITY_NOT_ALLOWED");
        }
        assertThat(find(Topics.RAW_HL7V2, rec -> raw(rec).provenance().sourceMessageId().equals("IT-CERT-OWN"),
                Duration.ofSeconds(10))).isPresent();
    }

    /** The listener's reason code: ERR-5.1 (v2.5+) or MSA-3 (older). */
    private static String reasonOf(String ack) {
        String msa3 = MllpClient.msaField(ack, 3);
        if (!msa3.isEmpty()) {
            return msa3;
        }
        for (String seg : ack.split("\r")) {
            if (seg.startsWith("ERR")) {
                String[] f = seg.split(Pattern.quote(seg.substring(3, 4)), -1);
                return f.length > 5 ? f[5].split("\\^")[0] : "";
            }
        }
        return "";
    }
}
