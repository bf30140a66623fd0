package org.ehrflow.listener.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import org.ehrflow.hl7.MshHeader;
import org.ehrflow.listener.Fixtures;
import org.ehrflow.listener.Hl7ListenerApp;
import org.ehrflow.listener.ListenerConfig;
import org.ehrflow.listener.hl7.AckBuilder;
import org.ehrflow.listener.hl7.AckCode;
import org.ehrflow.listener.mllp.FrameHandler;
import org.ehrflow.listener.mllp.MllpServer;
import org.ehrflow.localstack.EmbeddedKafka;
import org.ehrflow.mllp.MllpClient;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.TopicAdmin;

/**
 * End-to-end ACK benchmark over loopback sockets: ACKed messages per second over 1 and 8 connections, and ACK
 * latency at a fixed offered rate, for the listener (acks=all to an in-JVM broker) and, in the same run, for a
 * bare MLLP server that answers AA without Kafka (the ceiling). Bounded in count and time.
 *
 * <p>Args: {@code [reps=3] [throughputSeconds=5] [latencySeconds=10] [rate=1000]}.
 */
public final class AckThroughputDriver {

    private static final byte[] BARE_ACK = AckBuilder.build(MshHeader.parse(Fixtures.ADT_A01).orElseThrow(),
            AckCode.AA, null, "BENCH", Instant.EPOCH).getBytes(StandardCharsets.UTF_8);

    private AckThroughputDriver() {
    }

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Duration tput = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 5);
        Duration lat = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 10);
        int rate = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
        System.out.printf("cores=%d reps=%d throughputWindow=%s latencyWindow=%s rate=%d/s%n",
                Runtime.getRuntime().availableProcessors(), reps, tput, lat, rate);
        FrameHandler bareHandler = new FrameHandler() {
            @Override
            public CompletionStage<byte[]> onFrame(byte[] payload) {
                return CompletableFuture.completedFuture(BARE_ACK);
            }

            @Override
            public CompletionStage<byte[]> onOversized(byte[] head) {
                return CompletableFuture.completedFuture(BARE_ACK);
            }
        };
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            TopicAdmin.ensureTopics(settings, 3, (short) 1);
            MllpServer bare = MllpServer.start(new MllpServer.Settings("127.0.0.1", 0, 1 << 20,
                    Duration.ofMinutes(5), 256, Duration.ofSeconds(5)), bareHandler, new SimpleMeterRegistry());
            try (Hl7ListenerApp app = Hl7ListenerApp.start(ListenerConfig.defaults(settings).withPort(0),
                    new SimpleMeterRegistry())) {
                // Warm-up: JIT, producer metadata, partition leaders.
                throughput(bare.port(), 8, Duration.ofSeconds(2), "warm");
                throughput(app.port(), 8, Duration.ofSeconds(3), "warm");
                for (int conns : new int[] {1, 8}) {
                    double[] b = new double[reps];
                    double[] l = new double[reps];
                    for (int r = 0; r < reps; r++) {
                        b[r] = throughput(bare.port(), conns, tput, "bare");
                        l[r] = throughput(app.port(), conns, tput, "kafka");
                    }
                    System.out.printf(Locale.ROOT, "THROUGHPUT conns=%d bare median %.0f msg/s %s | listener median"
                            + " %.0f msg/s %s | ratio %.2f%n", conns, median(b), fmt(b), median(l), fmt(l),
                            median(l) / median(b));
                }
                long[] bl = latency(bare.port(), rate, lat);
                long[] ll = latency(app.port(), rate, lat);
                System.out.printf(Locale.ROOT, "LATENCY @%d msg/s (8 connections, from scheduled send):"
                        + " bare p50 %.2f ms p99 %.2f ms max %.2f ms (n=%d) | listener p50 %.2f ms p99 %.2f ms"
                        + " max %.2f ms (n=%d)%n", rate, pct(bl, 50), pct(bl, 99), pct(bl, 100), bl.length,
                        pct(ll, 50), pct(ll, 99), pct(ll, 100), ll.length);
            } finally {
                bare.close();
            }
        }
    }

    /** Closed loop: each connection sends the next message once the previous one is ACKed; returns AA/s. */
    private static double throughput(int port, int conns, Duration window, String label) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(conns);
        try {
            long end = System.nanoTime() + window.toNanos();
            long t0 = System.nanoTime();
            List<Future<Integer>> fs = new ArrayList<>();
            for (int c = 0; c < conns; c++) {
                int conn = c;
                fs.add(pool.submit(() -> {
                    int aa = 0;
                    int i = 0;
                    try (MllpClient client = MllpClient.connect("127.0.0.1", port, Duration.ofSeconds(30))) {
                        while (System.nanoTime() < end && i < 1_000_000) {
                            String ack = client.send(message(label + "-" + conn + "-" + i++));
                            aa += MllpClient.ackCode(ack).equals("AA") ? 1 : 0;
                        }
                    }
                    return aa;
                }));
            }
            int total = 0;
            for (Future<Integer> f : fs) {
                total += f.get();
            }
            return total / ((System.nanoTime() - t0) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Open loop at {@code rate} msg/s spread over 8 connections; latency counts from the scheduled send time, so a
     * stall delays the following sends' measurements too (no coordinated omission). Returns sorted nanos.
     */
    private static long[] latency(int port, int rate, Duration window) throws Exception {
        int conns = 8;
        long interval = 1_000_000_000L * conns / rate;
        int perConn = (int) (window.toNanos() / interval);
        ExecutorService pool = Executors.newFixedThreadPool(conns);
        try {
            long start = System.nanoTime() + 100_000_000L;
            List<Future<long[]>> fs = new ArrayList<>();
            for (int c = 0; c < conns; c++) {
                int conn = c;
                fs.add(pool.submit(() -> {
                    long[] out = new long[perConn];
                    try (MllpClient client = MllpClient.connect("127.0.0.1", port, Duration.ofSeconds(30))) {
                        for (int i = 0; i < perConn; i++) {
                            long due = start + conn * (interval / conns) + i * interval;
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                LockSupport.parkNanos(wait);
                            }
                            String ack = client.send(message("lat-" + conn + "-" + i));
                            if (!MllpClient.ackCode(ack).equals("AA")) {
                                throw new IOException("not AA");
                            }
                            out[i] = System.nanoTime() - due;
                        }
                    }
                    return out;
                }));
            }
            List<Long> all = new ArrayList<>();
            for (Future<long[]> f : fs) {
                for (long v : f.get()) {
                    all.add(v);
                }
            }
            return all.stream().mapToLong(Long::longValue).sorted().toArray();
        } finally {
            pool.shutdownNow();
        }
    }

    /** A valid ADT^A01 with its own MSH-10 and patient, so records spread over the partitions. */
    private static String message(String id) {
        return Fixtures.adt(id).replace("12345^^^HOSP", id + "^^^HOSP");
    }

    private static double pct(long[] sorted, double p) {
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static String fmt(double[] v) {
        StringBuilder b = new StringBuilder("[");
        for (double d : v) {
            b.append(b.length() > 1 ? ", " : "").append(String.format(Locale.ROOT, "%.0f", d));
        }
        return b.append(']').toString();
    }
}
