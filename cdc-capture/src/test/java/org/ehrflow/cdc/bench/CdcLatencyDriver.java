package org.ehrflow.cdc.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.ehrflow.cdc.CdcCaptureApp;
import org.ehrflow.cdc.CdcConfig;
import org.ehrflow.ehrsim.EhrSchema;
import org.ehrflow.ehrsim.EhrWriter;
import org.ehrflow.ehrsim.sim.EhrSimulator;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.schemas.Json;
import org.ehrflow.schemas.Topics;

/**
 * End-to-end capture benchmark on loopback (temporary PostgreSQL, in-JVM or container broker): (1) sustained
 * events/s draining a bulk load, (2) commit-to-Kafka latency (consumer receive time - source.ts_ms, the commit
 * time) while {@link EhrSimulator} commits at a fixed rate, once per poll interval given. Bounded by its arguments.
 *
 * <p>Args: {@code <changes/s> <seconds per latency run> <bulk rows> <poll ms>...}, e.g. {@code 500 20 20000 100 10}.
 */
public final class CdcLatencyDriver {

    private CdcLatencyDriver() {
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int bulk = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        List<Integer> polls = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            polls.add(Integer.parseInt(args[i]));
        }
        if (polls.isEmpty()) {
            polls = List.of(100, 10);
        }
        byte[] pw = new byte[16];
        ThreadLocalRandom.current().nextBytes(pw);
        Secret cdcPassword = new Secret(HexFormat.of().formatHex(pw));
        try (LocalPostgres pg = LocalPostgres.startTemporary(); KafkaFixture kafka = KafkaFixture.start()) {
            pg.createDatabase("ehr");
            EhrSchema.migrate(pg.jdbcUrl("ehr"), pg.superuser(), pg.superuserPassword(), cdcPassword);
            TopicAdmin.ensureTopics(KafkaSettings.of(kafka.bootstrapServers()), 3, (short) 1);
            CdcConfig base = CdcConfig.defaults(KafkaSettings.of(kafka.bootstrapServers()), pg.host(), pg.port(),
                    cdcPassword);
            try (EhrWriter ehr = new EhrWriter(pg.jdbcUrl("ehr"), pg.superuser(), pg.superuserPassword());
                    Probe probe = new Probe(kafka.bootstrapServers())) {
                long patient = ehr.insertPatient("MRN-BENCH-1", "Testperson", "Bench", null, "unknown");
                // (1) throughput: rows committed in 10 transactions while capture streams
                try (CdcCaptureApp app = CdcCaptureApp.start(base.withIntervals(Duration.ofSeconds(10),
                        Duration.ofMillis(10)), new SimpleMeterRegistry())) {
                    probe.awaitCount(1, Duration.ofSeconds(60)); // the snapshot of the patient: streaming now
                    probe.reset();
                    bulkInsert(pg, patient, bulk);
                    probe.awaitCount(bulk, Duration.ofSeconds(300));
                    double secs = (probe.lastNanos - probe.firstNanos) / 1e9;
                    System.out.printf("THROUGHPUT bulk rows=%d first->last consumed %.2f s = %.0f events/s%n", bulk,
                            secs, bulk / secs);
                }
                // (2) latency at a fixed rate, once per poll interval
                for (int poll : polls) {
                    try (CdcCaptureApp app = CdcCaptureApp.start(base.withIntervals(Duration.ofSeconds(10),
                            Duration.ofMillis(poll)), new SimpleMeterRegistry())) {
                        Thread.sleep(3_000); // connector streaming again
                        probe.reset();
                        EhrSimulator.Result r = new EhrSimulator(ehr, 42).run(rate, Duration.ofSeconds(seconds),
                                rate * seconds);
                        probe.awaitCount(r.changes(), Duration.ofSeconds(60));
                        List<Long> lat = probe.latencies();
                        Collections.sort(lat);
                        double idleCpu = idleCpuMillisPerSecond(Duration.ofSeconds(10));
                        System.out.printf("IDLE poll=%d ms: process CPU %.1f ms per second while nothing changes"
                                + " (broker and PostgreSQL client threads included)%n", poll, idleCpu);
                        System.out.printf("LATENCY poll=%d ms rate=%d/s achieved=%.0f/s events=%d p50=%d ms p90=%d ms"
                                + " p99=%d ms max=%d ms%n", poll, rate, r.changesPerSecond(), lat.size(),
                                pct(lat, 50), pct(lat, 90), pct(lat, 99), lat.get(lat.size() - 1));
                    }
                }
            }
        }
    }

    private static double idleCpuMillisPerSecond(Duration window) throws InterruptedException {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
                .getOperatingSystemMXBean();
        Thread.sleep(2_000); // let the last batch settle
        long cpu0 = os.getProcessCpuTime();
        Thread.sleep(window.toMillis());
        return (os.getProcessCpuTime() - cpu0) / 1e6 / window.toSeconds();
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static void bulkInsert(LocalPostgres pg, long patient, int rows) throws Exception {
        try (Connection c = pg.connect("ehr"); Statement st = c.createStatement()) {
            int per = Math.max(1, rows / 10);
            for (int done = 0; done < rows; done += per) {
                int n = Math.min(per, rows - done);
                st.execute("INSERT INTO ehr.lab_results (patient_id, loinc_code, test_name, value_numeric, unit, status)"
                        + " SELECT " + patient + ", '2345-7', 'Glucose', 70 + g % 50, 'mg/dL', 'final'"
                        + " FROM generate_series(1, " + n + ") g");
            }
        }
    }

    /** Consumes the raw topic on its own thread, recording receive time - source commit time per event. */
    static final class Probe implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final Thread thread;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Long> latencies = new ArrayList<>();
        private volatile long firstNanos;
        private volatile long lastNanos;

        Probe(String bootstrap) {
            Properties p = KafkaSettings.of(bootstrap).clientProps();
            p.put("group.id", "cdc-bench-" + UUID.randomUUID());
            p.put("auto.offset.reset", "latest");
            p.put("fetch.max.wait.ms", "10");
            consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(Topics.RAW_CDC.name()));
            thread = new Thread(this::loop, "cdc-bench-probe");
            thread.start();
        }

        private void loop() {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                    long now = System.currentTimeMillis();
                    long nanos = System.nanoTime();
                    long commit = sourceTs(r);
                    synchronized (this) {
                        if (latencies.isEmpty()) {
                            firstNanos = nanos;
                        }
                        lastNanos = nanos;
                        latencies.add(now - commit);
                    }
                }
            }
            consumer.close();
        }

        private static long sourceTs(ConsumerRecord<String, byte[]> r) {
            try {
                JsonNode p = Json.MAPPER.readTree(Topics.RAW_CDC.valueSerde().deserializer()
                        .deserialize(r.topic(), r.value()).payload());
                return p.at("/source/ts_ms").asLong();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        synchronized void reset() {
            latencies.clear();
        }

        synchronized List<Long> latencies() {
            return new ArrayList<>(latencies);
        }

        void awaitCount(int n, Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (latencies().size() < n) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("saw " + latencies().size() + " of " + n + " events");
                }
                Thread.sleep(20);
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5_000);
        }
    }
}
