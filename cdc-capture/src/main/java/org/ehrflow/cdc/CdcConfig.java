package org.ehrflow.cdc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.ehrflow.cdcmap.MappingLoader;
import org.ehrflow.runtime.ConfigReader;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;

/**
 * Settings of the CDC capture app, read from {@code EHRFLOW_CDC_*} (Kafka from {@code EHRFLOW_KAFKA_*}).
 *
 * @param kafka                    broker and client properties for the raw topic, the DLQ and the offsets topic
 * @param dbHost                   EHR database host
 * @param dbPort                   EHR database port
 * @param database                 EHR database name
 * @param dbUser                   replication role (LOGIN REPLICATION, never a superuser)
 * @param dbPassword               its password
 * @param sslMode                  libpq-style sslmode for both the JDBC and the replication connection
 * @param slotName                 logical replication slot (created by Debezium on first start, never dropped)
 * @param publication              pgoutput publication (created by the schema migration)
 * @param heartbeatInterval        Debezium heartbeat interval (keeps the slot advancing on a quiet database)
 * @param pollInterval             how long the engine waits for new events before handing over a batch
 * @param offsetsTopic             compacted topic holding Debezium's source offsets (LSN, snapshot state)
 * @param offsetsReplicationFactor its replication factor; -1 = the broker's default.replication.factor
 * @param offsetFlushInterval      how often acknowledged positions are written to the offsets topic and the slot
 * @param maxBatchSize             Debezium max.batch.size: events per handed-over batch
 * @param topicPrefix              Debezium topic.prefix (names the logical server in offsets; keep it stable)
 * @param opsHost                  bind address of /metrics, /health, /ready
 * @param opsPort                  its port (0 = any free port)
 * @param restartBackoffInitial    wait before replacing an engine that stopped on a failure (database outage)
 * @param restartBackoffMax        cap of that wait, which doubles per failure and resets after a healthy run
 * @param mappingFile              the CDC mapping file (path, or classpath: for the demo EHR's): which tables
 *                                 are captured and how their rows name the patient; checked against the live
 *                                 schema at start-up
 * @param engine                   the source database engine: PostgreSQL (pgoutput) or MariaDB (binlog)
 * @param serverId                 MariaDB only: the replica server id the binlog reader presents (unique among
 *                                 the server's replicas)
 * @param schemaHistoryTopic       MariaDB only: the Kafka topic holding the connector's schema (DDL) history
 * @param sslRootCert              PostgreSQL only: the CA certificate (PEM) that {@code verify-ca}/{@code verify-full}
 *                                 check the server against, for both connections; null = the driver's default
 */
public record CdcConfig(
        KafkaSettings kafka,
        String dbHost,
        int dbPort,
        String database,
        String dbUser,
        Secret dbPassword,
        SslMode sslMode,
        String slotName,
        String publication,
        Duration heartbeatInterval,
        Duration pollInterval,
        String offsetsTopic,
        short offsetsReplicationFactor,
        Duration offsetFlushInterval,
        int maxBatchSize,
        String topicPrefix,
        String opsHost,
        int opsPort,
        Duration restartBackoffInitial,
        Duration restartBackoffMax,
        String mappingFile,
        Engine engine,
        long serverId,
        String schemaHistoryTopic,
        String sslRootCert) {

    public static final String ENV_PREFIX = "EHRFLOW_CDC_";
    public static final String DEFAULT_USER = "ehrflow_cdc";
    public static final String DEFAULT_SLOT = "ehrflow_slot";
    public static final String DEFAULT_PUBLICATION = "ehrflow_pub";
    public static final String DEFAULT_OFFSETS_TOPIC = "ehr.cdc-capture.offsets.v1";
    public static final String DEFAULT_TOPIC_PREFIX = "ehrdb";
    public static final String DEFAULT_SCHEMA_HISTORY_TOPIC = "ehr.cdc-capture.schema-history.v1";
    /** A replica id outside the small numbers operators give real replicas. */
    public static final long DEFAULT_SERVER_ID = 184_054;
    /**
     * Engine poll interval: Debezium sleeps this long when its queue is empty, so it is the latency floor. 25 ms
     * meets p50 &lt;= 50 ms / p99 &lt;= 250 ms at 500 changes/s (17 / 34 ms, BENCHMARKS.md) while an idle capture
     * costs a third of what 10 ms cost (each empty poll of Debezium's async engine is ~0.85 ms of CPU); 100 ms
     * gave p50 112 ms.
     */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(25);
    /** First wait before a failed engine is replaced; doubles up to {@link #DEFAULT_RESTART_MAX}. */
    public static final Duration DEFAULT_RESTART_INITIAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_RESTART_MAX = Duration.ofSeconds(30);

    /** libpq sslmode values, as Debezium's {@code database.sslmode} takes them. */
    public enum SslMode {
        DISABLE, ALLOW, PREFER, REQUIRE, VERIFY_CA, VERIFY_FULL;

        /** The spelling Debezium and libpq expect, e.g. {@code verify-full}. */
        public String value() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** The source database engine: which Debezium connector reads it and which catalog the mapping is checked in. */
    public enum Engine {
        /** PostgreSQL 10+: logical replication (pgoutput), slot and publication. */
        POSTGRES(5432),
        /** MariaDB 10.11: the row-based binary log, read by Debezium's MySQL connector (see the README). */
        MARIADB(3306);

        private final int defaultPort;

        Engine(int defaultPort) {
            this.defaultPort = defaultPort;
        }

        public int defaultPort() {
            return defaultPort;
        }
    }

    /** Defaults for in-process use (demo, tests): database {@code ehr} on host:port as {@code ehrflow_cdc}. */
    public static CdcConfig defaults(KafkaSettings kafka, String dbHost, int dbPort, Secret dbPassword) {
        return new CdcConfig(kafka, dbHost, dbPort, "ehr", DEFAULT_USER, dbPassword, SslMode.PREFER, DEFAULT_SLOT,
                DEFAULT_PUBLICATION, Duration.ofSeconds(10), DEFAULT_POLL_INTERVAL, DEFAULT_OFFSETS_TOPIC,
                (short) -1, Duration.ofSeconds(1), 2048, DEFAULT_TOPIC_PREFIX, "127.0.0.1", 0,
                DEFAULT_RESTART_INITIAL, DEFAULT_RESTART_MAX, MappingLoader.DEMO, Engine.POSTGRES, DEFAULT_SERVER_ID,
                DEFAULT_SCHEMA_HISTORY_TOPIC, null);
    }

    /** Reads every setting from {@code env}, failing once with every problem named by its variable. */
    public static CdcConfig fromEnv(Map<String, String> env) {
        ConfigReader r = new ConfigReader(env, ENV_PREFIX);
        KafkaSettings kafka = KafkaSettings.read(env);
        Engine engine = r.enumValue("ENGINE", Engine.class, Engine.POSTGRES);
        String host = r.string("DB_HOST", "localhost");
        int port = r.integer("DB_PORT", engine.defaultPort(), 1, 65535);
        String database = r.string("DB_NAME", "ehr");
        String user = r.string("DB_USER", DEFAULT_USER);
        Secret password = r.secret("DB_PASSWORD", "");
        SslMode ssl = r.enumValue("DB_SSLMODE", SslMode.class, SslMode.PREFER);
        String slot = r.check(r.string("SLOT", DEFAULT_SLOT), s -> s.matches("[a-z0-9_]{1,63}"),
                r.key("SLOT") + " must be 1-63 of [a-z0-9_] (PostgreSQL slot name rules)");
        String publication = r.string("PUBLICATION", DEFAULT_PUBLICATION);
        Duration heartbeat = r.duration("HEARTBEAT_INTERVAL", Duration.ofSeconds(10), Duration.ofMillis(100),
                Duration.ofHours(1));
        Duration poll = r.duration("POLL_INTERVAL", DEFAULT_POLL_INTERVAL, Duration.ofMillis(1),
                Duration.ofSeconds(10));
        String offsetsTopic = r.string("OFFSETS_TOPIC", DEFAULT_OFFSETS_TOPIC);
        int rf = r.integer("OFFSETS_REPLICATION_FACTOR", -1, -1, 32);
        r.check(rf != 0, r.key("OFFSETS_REPLICATION_FACTOR") + " must be -1 (broker default) or at least 1");
        Duration flush = r.duration("OFFSET_FLUSH_INTERVAL", Duration.ofSeconds(1), Duration.ZERO,
                Duration.ofMinutes(10));
        int batch = r.integer("MAX_BATCH_SIZE", 2048, 1, 65536);
        String prefix = r.string("TOPIC_PREFIX", DEFAULT_TOPIC_PREFIX);
        String opsHost = r.string("OPS_HOST", "0.0.0.0");
        int opsPort = r.integer("OPS_PORT", 9404, 0, 65535);
        Duration restartInitial = r.duration("RESTART_BACKOFF_INITIAL", DEFAULT_RESTART_INITIAL,
                Duration.ofMillis(10), Duration.ofMinutes(5));
        Duration restartMax = r.duration("RESTART_BACKOFF_MAX", DEFAULT_RESTART_MAX, Duration.ofMillis(10),
                Duration.ofHours(1));
        r.check(restartMax.compareTo(restartInitial) >= 0, r.key("RESTART_BACKOFF_MAX") + " must be at least "
                + r.key("RESTART_BACKOFF_INITIAL"));
        r.check(!"postgres".equals(user), r.key("DB_USER")
                + " must be the capture role (LOGIN REPLICATION), not the superuser 'postgres'");
        String mapping = r.string("MAPPING_FILE", MappingLoader.DEMO);
        int serverId = r.integer("SERVER_ID", (int) DEFAULT_SERVER_ID, 1, Integer.MAX_VALUE);
        String history = r.string("SCHEMA_HISTORY_TOPIC", DEFAULT_SCHEMA_HISTORY_TOPIC);
        String rootCert = r.string("DB_SSLROOTCERT", null);
        r.check(rootCert == null || Files.isReadable(Path.of(rootCert)), r.key("DB_SSLROOTCERT") + " is not readable");
        r.check(rootCert == null || engine == Engine.POSTGRES, r.key("DB_SSLROOTCERT")
                + " applies to PostgreSQL (MariaDB verifies with the JVM's trust store)");
        r.check(!"root".equals(user) || engine != Engine.MARIADB, r.key("DB_USER")
                + " must be the capture user (REPLICATION SLAVE, REPLICATION CLIENT, SELECT, RELOAD), not root");
        r.validate();
        return new CdcConfig(kafka, host, port, database, user, password, ssl, slot, publication, heartbeat, poll,
                offsetsTopic, (short) rf, flush, batch, prefix, opsHost, opsPort, restartInitial, restartMax, mapping,
                engine, serverId, history, rootCert);
    }

    /** The same settings with a different ops port (tests and the demo run several apps in one JVM). */
    public CdcConfig withOpsPort(int port) {
        return new CdcConfig(kafka, dbHost, dbPort, database, dbUser, dbPassword, sslMode, slotName, publication,
                heartbeatInterval, pollInterval, offsetsTopic, offsetsReplicationFactor, offsetFlushInterval,
                maxBatchSize, topicPrefix, opsHost, port, restartBackoffInitial, restartBackoffMax, mappingFile,
                engine, serverId, schemaHistoryTopic, sslRootCert);
    }

    /** The same settings with another heartbeat and poll interval (tests, benchmarks). */
    public CdcConfig withIntervals(Duration heartbeat, Duration poll) {
        return new CdcConfig(kafka, dbHost, dbPort, database, dbUser, dbPassword, sslMode, slotName, publication,
                heartbeat, poll, offsetsTopic, offsetsReplicationFactor, offsetFlushInterval, maxBatchSize,
                topicPrefix, opsHost, opsPort, restartBackoffInitial, restartBackoffMax, mappingFile,
                engine, serverId, schemaHistoryTopic, sslRootCert);
    }

    /** The same settings against another database, slot and offsets topic (several captures on one cluster). */
    public CdcConfig withSource(String databaseName, String slot, String offsets) {
        return new CdcConfig(kafka, dbHost, dbPort, databaseName, dbUser, dbPassword, sslMode, slot, publication,
                heartbeatInterval, pollInterval, offsets, offsetsReplicationFactor, offsetFlushInterval,
                maxBatchSize, topicPrefix, opsHost, opsPort, restartBackoffInitial, restartBackoffMax, mappingFile,
                engine, serverId, schemaHistoryTopic, sslRootCert);
    }

    /** The same settings with another engine restart back-off (tests). */
    public CdcConfig withRestartBackoff(Duration initial, Duration max) {
        return new CdcConfig(kafka, dbHost, dbPort, database, dbUser, dbPassword, sslMode, slotName, publication,
                heartbeatInterval, pollInterval, offsetsTopic, offsetsReplicationFactor, offsetFlushInterval,
                maxBatchSize, topicPrefix, opsHost, opsPort, initial, max, mappingFile, engine, serverId,
                schemaHistoryTopic, sslRootCert);
    }

    /** The same settings with another publication (a second source schema in the same database). */
    public CdcConfig withPublication(String name) {
        return new CdcConfig(kafka, dbHost, dbPort, database, dbUser, dbPassword, sslMode, slotName, name,
                heartbeatInterval, pollInterval, offsetsTopic, offsetsReplicationFactor, offsetFlushInterval,
                maxBatchSize, topicPrefix, opsHost, opsPort, restartBackoffInitial, restartBackoffMax, mappingFile,
                engine, serverId, schemaHistoryTopic, sslRootCert);
    }

    /** The same settings with another mapping file (a second source schema). */
    public CdcConfig withMappingFile(String file) {
        return new CdcConfig(kafka, dbHost, dbPort, database, dbUser, dbPassword, sslMode, slotName, publication,
                heartbeatInterval, pollInterval, offsetsTopic, offsetsReplicationFactor, offsetFlushInterval,
                maxBatchSize, topicPrefix, opsHost, opsPort, restartBackoffInitial, restartBackoffMax, file,
                engine, serverId, schemaHistoryTopic, sslRootCert);
    }

    /**
     * The same settings against a MariaDB server (binlog): port, database (the mapping's {@code schema}), replica
     * server id and schema history topic.
     */
    public CdcConfig withMariaDb(int port, String databaseName, long replicaId, String historyTopic) {
        return new CdcConfig(kafka, dbHost, port, databaseName, dbUser, dbPassword, sslMode, slotName, publication,
                heartbeatInterval, pollInterval, offsetsTopic, offsetsReplicationFactor, offsetFlushInterval,
                maxBatchSize, topicPrefix, opsHost, opsPort, restartBackoffInitial, restartBackoffMax, mappingFile,
                Engine.MARIADB, replicaId, historyTopic, null);
    }

    /** JDBC URL of the EHR database (pre-flight and catalog checks). */
    public String jdbcUrl() {
        if (engine == Engine.MARIADB) {
            return "jdbc:mysql://" + dbHost + ":" + dbPort + "/" + database + "?sslMode=" + mysqlSslMode()
                    + "&connectionAttributes=program_name:ehrflow-cdc-capture";
        }
        return "jdbc:postgresql://" + dbHost + ":" + dbPort + "/" + database + "?sslmode=" + sslMode.value()
                + (sslRootCert == null ? "" : "&sslrootcert=" + sslRootCert) + "&ApplicationName=ehrflow-cdc-capture";
    }

    /** The sslmode in MySQL-protocol spelling (driver {@code sslMode}, Debezium {@code database.ssl.mode}). */
    public String mysqlSslMode() {
        return switch (sslMode) {
            case DISABLE -> "DISABLED";
            case ALLOW, PREFER -> "PREFERRED";
            case REQUIRE -> "REQUIRED";
            case VERIFY_CA -> "VERIFY_CA";
            case VERIFY_FULL -> "VERIFY_IDENTITY";
        };
    }
}
