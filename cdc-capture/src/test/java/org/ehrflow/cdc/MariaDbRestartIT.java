package org.ehrflow.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.ehrflow.ehrsim.ClinicMariaDb;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.localstack.LocalMariaDb;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.TopicAdmin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MariaDB capture stopped and killed while multi-row statements and multi-statement transactions stream (statements
 * of hundreds of rows, several binlog rows events each: more than 8 KiB of rows), then restarted: every row's key
 * arrives, and a key seen twice carries the same message id (the restart re-emits the transaction it was inside of,
 * see BinlogResume). Three restarts: a graceful stop (offsets committed up to the last acknowledged row) and two
 * SIGKILLs of a capture JVM (offsets of up to one flush interval ago).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MariaDbRestartIT {

    private static final Logger LOG = LoggerFactory.getLogger(MariaDbRestartIT.class);
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String MAPPING = "classpath:org/ehrflow/cdcmap/clinic-ehr.yaml";
    /** Units of work: even ones a single 400-row INSERT, odd ones a transaction of 3 INSERTs (5, 250, 1 rows). */
    private static final int UNITS = 40;

    @Test
    void restartsInsideMultiRowStatementsAndTransactionsLoseNoRow() throws Exception {
        // Kept in target/ for a failure's post-mortem (the capture JVMs' own log).
        Path childLog = Files.createDirectories(Path.of("target")).resolve("mariadb-restart-child.log");
        Files.deleteIfExists(childLog);
        try (LocalMariaDb db = LocalMariaDb.startTemporary(); KafkaFixture kafka = KafkaFixture.start()) {
            ClinicMariaDb.create(db.jdbcUrl("mysql"), db.superuser(), db.superuserPassword());
            Secret cdcPassword = new Secret("cdc-" + Long.toHexString(System.nanoTime()));
            db.createCaptureUser("ehrflow_cdc", cdcPassword, ClinicMariaDb.DATABASE);
            db.execute("GRANT UPDATE ON clinic.cdc_heartbeat TO 'ehrflow_cdc'@'%'");
            db.execute("INSERT INTO clinic.pat_master VALUES (5, 'H-77', 'Muster', 'Erika', '1980-02-18', 'F')");
            TopicAdmin.ensureTopics(KafkaSettings.of(kafka.bootstrapServers()), 1, (short) 1);
            Map<String, String> env = env(kafka.bootstrapServers(), db, cdcPassword);
            CdcConfig config = CdcConfig.fromEnv(env);
            List<String> keys = new ArrayList<>();
            try (RawTopicReader reader = new RawTopicReader(kafka.bootstrapServers(), 1)) {
                Progress progress = new Progress(reader);
                try (CdcCaptureApp app = CdcCaptureApp.start(config, new SimpleMeterRegistry())) {
                    reader.awaitMatching(p -> p.at("/source/table").asText().equals("pat_master"), WAIT);
                    try (Connection c = db.connect(ClinicMariaDb.DATABASE)) {
                        for (int u = 0; u < UNITS; u++) {
                            keys.addAll(writeUnit(c, u));
                        }
                    }
                    progress.awaitAtLeast(keys.size() / 5);
                } // graceful stop, in the middle of the backlog
                Process child = startChild(env, childLog.toFile());
                try {
                    progress.awaitAtLeast(keys.size() * 2 / 5);
                } finally {
                    child.destroyForcibly(); // SIGKILL: offsets as of the last flush
                    child.waitFor(30, TimeUnit.SECONDS);
                }
                child = startChild(env, childLog.toFile());
                try {
                    progress.awaitAtLeast(keys.size() * 3 / 5);
                } finally {
                    child.destroyForcibly();
                    child.waitFor(30, TimeUnit.SECONDS);
                }
                try (CdcCaptureApp last = CdcCaptureApp.start(config, new SimpleMeterRegistry())) {
                    await("every key after the restarts").atMost(WAIT).until(() -> progress.seen().size()
                            >= keys.size());
                    reader.drain(Duration.ofSeconds(1));
                }
                Map<String, Set<String>> ids = progress.idsByKey();
                assertThat(ids.keySet()).as("no row lost").containsAll(keys);
                assertThat(ids).hasSize(keys.size());
                assertThat(ids.values()).as("a duplicate is the same change re-emitted").allMatch(s -> s.size() == 1);
                LOG.info("restart IT: {} rows, {} records, {} re-emitted", keys.size(), progress.records(),
                        progress.records() - keys.size());
                assertThat(progress.records()).as("the stops landed inside transactions: rows re-emitted")
                        .isGreaterThan(keys.size());
            }
        }
    }

    private static List<String> writeUnit(Connection c, int unit) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            if (unit % 2 == 0) {
                s.execute(insert(unit, 0, 400, keys));
            } else {
                c.setAutoCommit(false);
                s.execute(insert(unit, 0, 5, keys));
                s.execute(insert(unit, 5, 250, keys));
                s.execute(insert(unit, 255, 1, keys));
                c.commit();
                c.setAutoCommit(true);
            }
        }
        return keys;
    }

    private static String insert(int unit, int from, int rows, List<String> keys) {
        StringBuilder sql = new StringBuilder("INSERT INTO clinic.result VALUES ");
        for (int i = from; i < from + rows; i++) {
            String accession = "U" + unit + "-" + i;
            keys.add(accession);
            sql.append(i == from ? "" : ", ").append("('NORTH', '").append(accession).append("', 1, 5, NULL, 'NA', ")
                    .append(130 + i % 20).append(", 'mmol/L', '2026-07-03 08:00', 'F')");
        }
        return sql.toString();
    }

    private static Map<String, String> env(String bootstrap, LocalMariaDb db, Secret password) {
        Map<String, String> env = new HashMap<>();
        env.put("EHRFLOW_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("EHRFLOW_CDC_ENGINE", "MARIADB");
        env.put("EHRFLOW_CDC_DB_HOST", db.host());
        env.put("EHRFLOW_CDC_DB_PORT", Integer.toString(db.port()));
        env.put("EHRFLOW_CDC_DB_NAME", ClinicMariaDb.DATABASE);
        env.put("EHRFLOW_CDC_DB_PASSWORD", password.value());
        env.put("EHRFLOW_CDC_MAPPING_FILE", MAPPING);
        env.put("EHRFLOW_CDC_SERVER_ID", "5402");
        env.put("EHRFLOW_CDC_OFFSETS_TOPIC", "clinic.cdc.offsets.v1");
        env.put("EHRFLOW_CDC_SCHEMA_HISTORY_TOPIC", "clinic.cdc.schema-history.v1");
        env.put("EHRFLOW_CDC_POLL_INTERVAL", "PT0.01S");
        env.put("EHRFLOW_CDC_HEARTBEAT_INTERVAL", "PT0.5S");
        // Short, so the killed captures had committed offsets in the middle of a statement.
        env.put("EHRFLOW_CDC_OFFSET_FLUSH_INTERVAL", "PT0.1S");
        env.put("EHRFLOW_CDC_MAX_BATCH_SIZE", "64");
        env.put("EHRFLOW_CDC_OPS_HOST", "127.0.0.1");
        env.put("EHRFLOW_CDC_OPS_PORT", "0");
        return env;
    }

    private static Process startChild(Map<String, String> env, File log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CdcCaptureApp.class.getName());
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        return pb.start();
    }

    /** The streamed rows seen so far: message ids per key, read incrementally (the backlog is thousands). */
    private static final class Progress {
        private final RawTopicReader reader;
        private final Map<String, Set<String>> ids = new HashMap<>();
        private int read;
        private int records;

        Progress(RawTopicReader reader) {
            this.reader = reader;
        }

        synchronized Set<String> seen() {
            reader.drain(Duration.ofMillis(200));
            List<ConsumerRecord<String, byte[]>> all = reader.records;
            for (; read < all.size(); read++) {
                JsonNode p = RawTopicReader.payload(all.get(read));
                String acc = p.at("/after/accession").asText("");
                if (acc.startsWith("U") && p.path("op").asText().equals("c")) {
                    records++;
                    ids.computeIfAbsent(acc, k -> new LinkedHashSet<>())
                            .add(RawTopicReader.rawMessage(all.get(read)).provenance().sourceMessageId());
                }
            }
            return new HashSet<>(ids.keySet());
        }

        void awaitAtLeast(int keys) {
            await("at least " + keys + " keys").atMost(WAIT).pollInterval(Duration.ZERO)
                    .until(() -> seen().size() >= keys);
        }

        synchronized Map<String, Set<String>> idsByKey() {
            seen();
            return ids;
        }

        synchronized int records() {
            return records;
        }
    }
}
