package org.ehrflow.listener.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.ehrflow.listener.Fixtures;
import org.ehrflow.listener.Hl7ListenerApp;
import org.ehrflow.listener.ListenerConfig;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.mllp.MllpClient;
import org.ehrflow.mllp.MllpFraming;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * At least {@value #TARGET} mutated corpus messages over real loopback sockets to a listener on a real broker: no
 * crash, no hang, every frame answered (or, for an oversized frame, AR and then the connection closed), and the
 * valid probe messages interleaved with the garbage all answered AA and found in the raw topic.
 */
@Timeout(180)
class MllpFuzzIT {

    private static final Path CORPUS = Path.of("../../shared/corpus/hl7v2");
    private static final int TARGET = 10_000;
    private static final Duration BUDGET = Duration.ofSeconds(60);
    private static final int CONNECTIONS = 8;
    private static final int BATCH = 10;
    private static final int MAX_FRAME = 256 * 1024;
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(20);
    private static final long SEED = 20261121L;

    private final AtomicInteger mutated = new AtomicInteger();
    private final AtomicInteger closures = new AtomicInteger();
    private final Set<String> probesAa = ConcurrentHashMap.newKeySet();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());

    @Test
    void mutatedCorpusNeverCrashesHangsOrLosesTheValidMessagesInBetween() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(CORPUS), "shared corpus not present");
        List<byte[]> corpus = new ArrayList<>();
        try (Stream<Path> s = Files.list(CORPUS)) {
            for (Path f : s.filter(f -> f.toString().endsWith(".hl7")).sorted().toList()) {
                corpus.add(Files.readAllBytes(f));
            }
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (KafkaFixture kafka = KafkaFixture.start()) {
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            TopicAdmin.ensureTopics(settings, 3, (short) 1);
            ListenerConfig cfg = ListenerConfig.defaults(settings).withPort(0)
                    .withLimits(MAX_FRAME, Duration.ofSeconds(30), 256);
            try (Hl7ListenerApp app = Hl7ListenerApp.start(cfg, registry)) {
                long t0 = System.nanoTime();
                long deadline = t0 + BUDGET.toNanos();
                ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
                try {
                    List<Future<?>> done = new ArrayList<>();
                    for (int c = 0; c < CONNECTIONS; c++) {
                        int conn = c;
                        done.add(pool.submit(() -> {
                            fuzz(app.port(), conn, new Mutator(SEED + conn, corpus, MAX_FRAME + 1024), deadline);
                            return null;
                        }));
                    }
                    for (Future<?> f : done) {
                        f.get();
                    }
                } finally {
                    pool.shutdownNow();
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                assertThat(failures).isEmpty();
                Counter received = registry.get("ehrflow.listener.messages.received").counter();
                // Every frame the listener dispatched got exactly one answer.
                await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                        assertThat(acks(registry).values().stream().mapToDouble(Double::doubleValue).sum())
                                .isEqualTo(received.count()));
                System.out.printf("fuzz: %d mutated messages + %d probes over %d connections in %.1f s;"
                        + " %d oversize closures; frames answered %.0f; acks %s%n", mutated.get(), probesAa.size(),
                        CONNECTIONS, secs, closures.get(), received.count(), acks(registry));
                assertThat(mutated.get()).isGreaterThanOrEqualTo(TARGET);
                assertThat(app.ready()).isTrue();
                try (MllpClient c = MllpClient.connect("127.0.0.1", app.port(), CLIENT_TIMEOUT)) {
                    assertThat(MllpClient.ackCode(c.send(Fixtures.adt("FZ-AFTER")))).isEqualTo("AA");
                }
            }
            Set<String> stored = storedIds(settings);
            assertThat(stored).containsAll(probesAa).contains("FZ-AFTER");
        }
    }

    /** One connection's loop: batches of mutated frames, each batch followed by a valid probe message. */
    private void fuzz(int port, int conn, Mutator mutator, long deadline) throws IOException {
        Random rnd = new Random(SEED * 31 + conn);
        int probe = 0;
        MllpClient c = MllpClient.connect("127.0.0.1", port, CLIENT_TIMEOUT);
        try {
            while (mutated.get() < TARGET && System.nanoTime() < deadline && failures.isEmpty()) {
                if (rnd.nextInt(100) == 0) {
                    mutated.incrementAndGet();
                    oversized(c, mutator.oversized(), conn);
                    c.close();
                    c = MllpClient.connect("127.0.0.1", port, CLIENT_TIMEOUT);
                    continue;
                }
                ByteArrayOutputStream batch = new ByteArrayOutputStream();
                for (int i = 0; i < BATCH; i++) {
                    batch.writeBytes(MllpFraming.frame(mutator.next()));
                    mutated.incrementAndGet();
                }
                String id = "FZ-" + conn + "-" + probe++;
                batch.writeBytes(MllpFraming.frame(Fixtures.adt(id).getBytes(StandardCharsets.UTF_8)));
                c.writeRaw(batch.toByteArray());
                awaitProbe(c, id, conn);
            }
        } finally {
            c.close();
        }
    }

    /** Reads answers to the garbage until the probe's ACK; each must be a well-formed AA/AE/AR. */
    private void awaitProbe(MllpClient c, String id, int conn) throws IOException {
        while (true) {
            String ack;
            try {
                ack = new String(c.readReply(), StandardCharsets.ISO_8859_1);
            } catch (SocketTimeoutException e) {
                failures.add("connection " + conn + ": no answer within " + CLIENT_TIMEOUT + " before probe " + id);
                return;
            } catch (IOException e) {
                failures.add("connection " + conn + ": closed without a reason before probe " + id);
                return;
            }
            String code = MllpClient.ackCode(ack);
            if (!Set.of("AA", "AE", "AR").contains(code)) {
                failures.add("connection " + conn + ": reply without a valid MSA-1 before probe " + id);
                return;
            }
            if (id.equals(MllpClient.msaField(ack, 2))) {
                if (code.equals("AA")) {
                    probesAa.add(id);
                } else {
                    failures.add("probe " + id + " answered " + code);
                }
                return;
            }
        }
    }

    /** An oversized frame: AR FRAME_TOO_LARGE then close, or a reset while still writing (closed by the server). */
    private void oversized(MllpClient c, byte[] huge, int conn) {
        try {
            c.writeRaw(MllpFraming.frame(huge));
            String ack = new String(c.readReply(), StandardCharsets.ISO_8859_1);
            if (!MllpClient.ackCode(ack).equals("AR") || !ack.contains("FRAME_TOO_LARGE")) {
                failures.add("connection " + conn + ": oversized frame not answered AR FRAME_TOO_LARGE");
            }
        } catch (SocketTimeoutException e) {
            failures.add("connection " + conn + ": oversized frame not answered within " + CLIENT_TIMEOUT);
        } catch (IOException e) {
            // The server answered and closed while we were still writing the tail: a reset here is expected.
        }
        closures.incrementAndGet();
    }

    private static Map<String, Double> acks(SimpleMeterRegistry registry) {
        Map<String, Double> m = new TreeMap<>();
        registry.find("ehrflow.listener.acks").counters().forEach(k ->
                m.merge(k.getId().getTag("code") + " " + k.getId().getTag("reason"), k.count(), Double::sum));
        return m;
    }

    /** Every MSH-10 in the raw topic. */
    private static Set<String> storedIds(KafkaSettings settings) {
        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<String, byte[]> r : org.ehrflow.localstack.TopicReader.readAll(settings.clientProps(),
                Topics.RAW_HL7V2.name(), Duration.ofSeconds(30))) {
            ids.add(Topics.RAW_HL7V2.valueSerde().deserializer().deserialize(r.topic(), r.value())
                    .provenance().sourceMessageId());
        }
        return ids;
    }
}
