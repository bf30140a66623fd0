package org.ehrflow.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.ehrflow.localstack.EmbeddedKafka;
import org.ehrflow.mllp.MllpClient;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.OpsEndpoint;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker stops mid-traffic: nothing sent after it is gone is answered AA (AE instead), /ready turns 503 while
 * /health stays 200,
 * and after a restart on the same log dir every message ever answered AA is in the raw topic.
 */
@Timeout(180)
class BrokerOutageIT {

    private static final Duration DEADLINE = Duration.ofMillis(1500);
    private static final int SENDERS = 2;

    @TempDir
    Path dir;

    /** One sent message: its MSH-10, when its send began, and the ACK code (or "IO" for a broken connection). */
    private record Sent(String id, long startNanos, String code) {
    }

    @Test
    void noAaWhileTheBrokerIsDownAndEveryAaIsStoredAfterRestart() throws Exception {
        Path logDir = dir.resolve("kafka");
        // Copy-on-write: the awaits stream over it while the senders add (a synchronized list is not safe to stream).
        List<Sent> sent = new CopyOnWriteArrayList<>();
        long downAt;
        try (EmbeddedKafka first = EmbeddedKafka.start(logDir)) {
            KafkaSettings settings = KafkaSettings.of(first.bootstrapServers());
            TopicAdmin.ensureTopics(settings, 3, (short) 1);
            ListenerConfig cfg = ListenerConfig.defaults(settings).withPort(0).withAckDeadline(DEADLINE);
            try (OpsEndpoint ops = OpsEndpoint.start(Topics.APP_HL7_LISTENER, "127.0.0.1", 0);
                    Hl7ListenerApp app = Hl7ListenerApp.start(cfg, ops.registry())) {
                ops.readiness(app::ready);
                AtomicBoolean stop = new AtomicBoolean();
                ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
                try {
                    List<Future<?>> senders = new ArrayList<>();
                    for (int s = 0; s < SENDERS; s++) {
                        int sender = s;
                        senders.add(pool.submit(() -> traffic(app.port(), "OUT-" + sender + "-", stop, sent)));
                    }
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> sent.stream().filter(x -> x.code().equals("AA")).count() >= 100);
                    assertThat(http(ops, "/ready")).isEqualTo(200);
                    assertThat(http(ops, "/health")).isEqualTo(200);
                    first.close();
                    downAt = System.nanoTime();
                    // Keep sending while it is down: several deadlines' worth of AE answers.
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                            .until(() -> sent.stream().filter(x -> x.startNanos() > downAt
                                    && x.code().equals("AE")).count() >= 6);
                    await().atMost(Duration.ofSeconds(20)).until(() -> http(ops, "/ready") == 503);
                    assertThat(http(ops, "/health")).isEqualTo(200);
                    String metrics = scrape(ops);
                    assertThat(metrics).contains("ehrflow_listener_acks_total{app=\"hl7-listener\",code=\"AE\"")
                            .contains("ehrflow_listener_ack_latency_seconds_bucket")
                            .contains("ehrflow_listener_connections_open")
                            .contains("ehrflow_listener_messages_received_total")
                            .contains("ehrflow_listener_message_bytes_sum");
                    stop.set(true);
                    for (Future<?> f : senders) {
                        f.get(30, TimeUnit.SECONDS);
                    }
                } finally {
                    stop.set(true);
                    pool.shutdownNow();
                }
            }
        }
        List<Sent> all = List.copyOf(sent);
        List<Sent> whileDown = all.stream().filter(x -> x.startNanos() > downAt).toList();
        assertThat(whileDown).isNotEmpty().noneMatch(x -> x.code().equals("AA"));
        assertThat(whileDown).anyMatch(x -> x.code().equals("AE"));

        // The same log dir on a fresh broker (new ports): a new listener, and the earlier AA'd records are there.
        try (EmbeddedKafka second = EmbeddedKafka.start(logDir)) {
            KafkaSettings settings = KafkaSettings.of(second.bootstrapServers());
            ListenerConfig cfg = ListenerConfig.defaults(settings).withPort(0).withAckDeadline(Duration.ofSeconds(10));
            try (Hl7ListenerApp app = Hl7ListenerApp.start(cfg, new SimpleMeterRegistry());
                    MllpClient c = MllpClient.connect("127.0.0.1", app.port(), Duration.ofSeconds(15))) {
                for (int i = 0; i < 5; i++) {
                    assertThat(MllpClient.ackCode(c.send(Fixtures.adt("AFTER-" + i)))).isEqualTo("AA");
                }
                assertThat(app.ready()).isTrue();
            }
            Set<String> stored = storedIds(settings);
            Set<String> aa = new HashSet<>();
            all.stream().filter(x -> x.code().equals("AA")).forEach(x -> aa.add(x.id()));
            System.out.printf("outage: %d sent, %d AA before the stop, %d sent while down (%s), %d stored%n",
                    all.size(), aa.size(), whileDown.size(), tally(whileDown), stored.size());
            assertThat(stored).containsAll(aa).contains("AFTER-0", "AFTER-4");
        }
    }

    private static int http(OpsEndpoint ops, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + ops.port() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String scrape(OpsEndpoint ops) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + ops.port() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Sends numbered messages until stopped, reconnecting after a broken connection. */
    private static Void traffic(int port, String prefix, AtomicBoolean stop, List<Sent> sent) throws IOException {
        AtomicInteger n = new AtomicInteger();
        while (!stop.get()) {
            try (MllpClient c = MllpClient.connect("127.0.0.1", port, Duration.ofSeconds(10))) {
                while (!stop.get()) {
                    String id = prefix + n.incrementAndGet();
                    long t0 = System.nanoTime();
                    String code;
                    try {
                        code = MllpClient.ackCode(c.send(Fixtures.adt(id)));
                    } catch (IOException e) {
                        sent.add(new Sent(id, t0, "IO"));
                        break;
                    }
                    sent.add(new Sent(id, t0, code));
                }
            }
        }
        return null;
    }

    private static Map<String, Long> tally(List<Sent> s) {
        Map<String, Long> m = new TreeMap<>();
        s.forEach(x -> m.merge(x.code(), 1L, Long::sum));
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
