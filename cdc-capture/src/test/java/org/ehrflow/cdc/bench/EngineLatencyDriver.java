package org.ehrflow.cdc.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.ehrflow.cdc.CdcCaptureApp;
import org.ehrflow.cdc.CdcConfig;
import org.ehrflow.ehrsim.ClinicMariaDb;
import org.ehrflow.ehrsim.EhrSchema;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.localstack.LocalMariaDb;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.schemas.Json;
import org.ehrflow.schemas.Topics;

/**
 * Commit-to-Kafka latency, MariaDB (binlog) vs PostgreSQL (pgoutput), same run, same broker, same schema (the
 * clinic schema on both, mapped by clinic-ehr.yaml), same capture settings: single-row INSERTs, each its own
 * commit, at a fixed rate; latency = the raw record's receipt by a consumer - the moment the commit returned to
 * the writer (one JVM, System.nanoTime on both sides: binlog timestamps have whole seconds only, so source.ts_ms
 * cannot be used). Engines alternate per round so background noise hits both. Bounded by its arguments.
 *
 * <p>Args: {@code <changes/s> <seconds per run> <rounds>}, e.g. {@code 500 20 2}.
 */
public final class EngineLatencyDriver {

    private static final String MAPPING = "classpath:org/ehrflow/cdcmap/clinic-ehr.yaml";
    private static final String INSERT = "INSERT INTO clinic.result VALUES ('NORTH', ?, 1, 5, 12, 'NA', 140, "
            + "'mmol/L', ?, 'F')";

    private EngineLatencyDriver() {
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Secret cdcPassword = new Secret("bench-" + UUID.randomUUID());
        try (LocalPostgres pg = LocalPostgres.startTemporary(); LocalMariaDb maria = LocalMariaDb.startTemporary();
                KafkaFixture kafka = KafkaFixture.start()) {
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            TopicAdmin.ensureTopics(settings, 1, (short) 1);
            CdcConfig pgConfig = postgres(pg, settings, cdcPassword);
            CdcConfig mariaConfig = mariaDb(maria, settings, cdcPassword);
            Map<CdcConfig.Engine, List<Long>> all = new ConcurrentHashMap<>();
            try (Probe probe = new Probe(kafka.bootstrapServers());
                    Connection pgWriter = DriverManager.getConnection(pg.jdbcUrl("ehr"), pg.superuser(),
                            pg.superuserPassword().value());
                    Connection mariaWriter = maria.connect(ClinicMariaDb.DATABASE)) {
                try (Statement st = pgWriter.createStatement()) {
                    // The temporary cluster defaults to synchronous_commit=off, whose WAL reaches the walsender
                    // only at the next wal_writer_delay (200 ms); an EHR commits durably (as EhrWriter does).
                    st.execute("SET synchronous_commit TO on");
                }
                for (int round = 0; round < rounds; round++) {
                    for (CdcConfig c : List.of(mariaConfig, pgConfig)) {
                        Connection w = c == pgConfig ? pgWriter : mariaWriter;
                        List<Long> lat = run(c, w, probe, rate, seconds, c.engine().name().charAt(0) + "" + round);
                        all.computeIfAbsent(c.engine(), e -> new ArrayList<>()).addAll(lat);
                    }
                }
            }
            for (Map.Entry<CdcConfig.Engine, List<Long>> e : all.entrySet()) {
                report("ALL " + e.getKey(), e.getValue(), rate);
            }
        }
    }

    private static List<Long> run(CdcConfig config, Connection writer, Probe probe, int rate, int seconds,
            String tag) throws Exception {
        try (CdcCaptureApp app = CdcCaptureApp.start(config, new SimpleMeterRegistry())) {
            commit(writer, tag + "-warm");
            probe.await(tag + "-warm", Duration.ofSeconds(120)); // streaming (snapshot done, if any)
            Map<String, Long> committed = new ConcurrentHashMap<>();
            long period = 1_000_000_000L / rate;
            int n = rate * seconds;
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long due = start + i * period;
                while (System.nanoTime() < due) {
                    LockSupport.parkNanos(due - System.nanoTime());
                }
                String acc = tag + "-" + i;
                committed.put(acc, commit(writer, acc));
            }
            double achieved = n / ((System.nanoTime() - start) / 1e9);
            List<Long> lat = new ArrayList<>();
            for (Map.Entry<String, Long> e : committed.entrySet()) {
                lat.add((probe.await(e.getKey(), Duration.ofSeconds(60)) - e.getValue()) / 1_000L); // micros
            }
            report(config.engine() + " round " + tag + String.format(" achieved=%.0f/s", achieved), lat, rate);
            return lat;
        }
    }

    /** One single-row commit; returns when it returned (nanoTime). */
    private static long commit(Connection writer, String accession) throws SQLException {
        try (PreparedStatement st = writer.prepareStatement(INSERT)) {
            st.setString(1, accession);
            st.setTimestamp(2, Timestamp.valueOf(LocalDateTime.now()));
            st.executeUpdate();
        }
        return System.nanoTime();
    }

    private static void report(String what, List<Long> micros, int rate) {
        List<Long> s = new ArrayList<>(micros);
        Collections.sort(s);
        System.out.printf("LATENCY %s rate=%d/s events=%d p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms%n", what,
                rate, s.size(), pct(s, 50) / 1e3, pct(s, 90) / 1e3, pct(s, 99) / 1e3, s.get(s.size() - 1) / 1e3);
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static CdcConfig postgres(LocalPostgres pg, KafkaSettings settings, Secret cdcPassword)
            throws Exception {
        pg.createDatabase("ehr");
        EhrSchema.migrate(pg.jdbcUrl("ehr"), pg.superuser(), pg.superuserPassword(), cdcPassword);
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("ehr"), pg.superuser(),
                pg.superuserPassword().value()); Statement st = c.createStatement()) {
            st.execute(resource("db/clinic/V1__clinic_schema.sql"));
            st.execute("GRANT USAGE ON SCHEMA clinic TO ehrflow_cdc; GRANT SELECT ON ALL TABLES IN SCHEMA clinic "
                    + "TO ehrflow_cdc; CREATE PUBLICATION clinic_pub FOR TABLE clinic.pat_master, clinic.visit, "
                    + "clinic.result, clinic.doc_note, ehr.cdc_heartbeat");
            st.execute("INSERT INTO clinic.pat_master VALUES (5, 'H-77', 'Muster', 'Erika', '1980-02-18', 'F')");
        }
        return CdcConfig.defaults(settings, pg.host(), pg.port(), cdcPassword)
                .withSource("ehr", "clinic_slot", "bench.pg.offsets.v1").withPublication("clinic_pub")
                .withMappingFile(MAPPING).withIntervals(Duration.ofSeconds(10), CdcConfig.DEFAULT_POLL_INTERVAL);
    }

    private static CdcConfig mariaDb(LocalMariaDb maria, KafkaSettings settings, Secret cdcPassword) {
        ClinicMariaDb.create(maria.jdbcUrl("mysql"), maria.superuser(), maria.superuserPassword());
        maria.createCaptureUser("ehrflow_cdc", cdcPassword, ClinicMariaDb.DATABASE);
        maria.execute("GRANT UPDATE ON clinic.cdc_heartbeat TO 'ehrflow_cdc'@'%'");
        maria.execute("INSERT INTO clinic.pat_master VALUES (5, 'H-77', 'Muster', 'Erika', '1980-02-18', 'F')");
        return CdcConfig.defaults(settings, maria.host(), maria.port(), cdcPassword)
                .withSource("clinic", "unused", "bench.mariadb.offsets.v1").withMappingFile(MAPPING)
                .withMariaDb(maria.port(), ClinicMariaDb.DATABASE, 5402, "bench.mariadb.schema-history.v1")
                .withIntervals(Duration.ofSeconds(10), CdcConfig.DEFAULT_POLL_INTERVAL);
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = EngineLatencyDriver.class.getClassLoader().getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Consumes the raw topic on its own thread: accession -> first receipt (nanoTime). */
    static final class Probe implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final Thread thread;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Map<String, Long> received = new ConcurrentHashMap<>();

        Probe(String bootstrap) {
            Properties p = KafkaSettings.of(bootstrap).clientProps();
            p.put("group.id", "cdc-engine-bench-" + UUID.randomUUID());
            p.put("auto.offset.reset", "latest");
            p.put("fetch.max.wait.ms", "10");
            consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(Topics.RAW_CDC.name()));
            thread = new Thread(this::loop, "cdc-engine-bench-probe");
            thread.start();
        }

        private void loop() {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                    long now = System.nanoTime();
                    String acc = accession(r);
                    if (acc != null) {
                        received.putIfAbsent(acc, now);
                    }
                }
            }
            consumer.close();
        }

        private static String accession(ConsumerRecord<String, byte[]> r) {
            try {
                JsonNode p = Json.MAPPER.readTree(Topics.RAW_CDC.valueSerde().deserializer()
                        .deserialize(r.topic(), r.value()).payload());
                JsonNode a = p.at("/after/accession");
                return a.isTextual() ? a.asText() : null;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        long await(String accession, Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            Long t;
            while ((t = received.get(accession)) == null) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("no raw record for " + accession + " within " + timeout);
                }
                Thread.sleep(5);
            }
            return t;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5_000);
        }
    }
}
