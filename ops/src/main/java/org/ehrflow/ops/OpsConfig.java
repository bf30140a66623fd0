package org.ehrflow.ops;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.ehrflow.runtime.ConfigReader;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;

/**
 * The ops app's settings, from {@code EHRFLOW_OPS_*} (plus {@code EHRFLOW_KAFKA_*} for the broker).
 *
 * @param kafka        broker and client pass-through properties
 * @param sinkJdbcUrl  the vector database holding {@code ehrflow.sink_offset}, or null to skip the sink's lag
 * @param sinkUser     a user that may read {@code ehrflow.sink_offset}
 * @param sinkPassword its password
 * @param ehrJdbcUrl   the EHR database (source of CDC), or null to skip the slot lag
 * @param ehrUser      a user that may read {@code pg_replication_slots} and {@code ehr.cdc_heartbeat}
 * @param ehrPassword  its password
 * @param slot         the CDC replication slot's name
 * @param interval     how often lag, DLQ counts and slot lag are measured
 * @param opsHost      bind address of /metrics, /health, /ready and of the status page
 * @param opsPort      port of /metrics, /health, /ready (0 = any free port)
 * @param statusPort   port of the status page (0 = any free port)
 */
public record OpsConfig(
        KafkaSettings kafka,
        String sinkJdbcUrl,
        String sinkUser,
        Secret sinkPassword,
        String ehrJdbcUrl,
        String ehrUser,
        Secret ehrPassword,
        String slot,
        Duration interval,
        String opsHost,
        int opsPort,
        int statusPort) {

    public static final String PREFIX = "EHRFLOW_OPS_";
    public static final int DEFAULT_OPS_PORT = 9405;
    public static final int DEFAULT_STATUS_PORT = 9406;
    public static final String DEFAULT_SLOT = "ehrflow_slot";
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

    public OpsConfig {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(sinkPassword, "sinkPassword");
        Objects.requireNonNull(ehrPassword, "ehrPassword");
        Objects.requireNonNull(interval, "interval");
    }

    /** Defaults for in-process use (demo, tests): no databases, 1 s interval, loopback, any free ports. */
    public static OpsConfig defaults(KafkaSettings kafka) {
        return new OpsConfig(kafka, null, "postgres", new Secret(""), null, "postgres", new Secret(""), DEFAULT_SLOT,
                Duration.ofSeconds(1), "127.0.0.1", 0, 0);
    }

    /** With the sink's database, so the sink's lag is measured from its offsets in PostgreSQL. */
    public OpsConfig withSinkDatabase(String jdbcUrl, String user, Secret password) {
        return new OpsConfig(kafka, jdbcUrl, user, password, ehrJdbcUrl, ehrUser, ehrPassword, slot, interval,
                opsHost, opsPort, statusPort);
    }

    /** With the EHR database, so the CDC slot's lag and heartbeat age are measured. */
    public OpsConfig withEhrDatabase(String jdbcUrl, String user, Secret password) {
        return new OpsConfig(kafka, sinkJdbcUrl, sinkUser, sinkPassword, jdbcUrl, user, password, slot, interval,
                opsHost, opsPort, statusPort);
    }

    public OpsConfig withInterval(Duration every) {
        return new OpsConfig(kafka, sinkJdbcUrl, sinkUser, sinkPassword, ehrJdbcUrl, ehrUser, ehrPassword, slot, every,
                opsHost, opsPort, statusPort);
    }

    /** Reads the settings, failing once with every problem found. */
    public static OpsConfig fromEnv(Map<String, String> env) {
        ConfigReader r = new ConfigReader(env, PREFIX);
        String sinkUrl = r.check(r.string("SINK_JDBC_URL", null), u -> u == null || u.startsWith("jdbc:postgresql:"),
                r.key("SINK_JDBC_URL") + " must start with jdbc:postgresql:");
        String sinkUser = r.string("SINK_USER", "postgres");
        Secret sinkPassword = r.secret("SINK_PASSWORD", "");
        String ehrUrl = r.check(r.string("EHR_JDBC_URL", null), u -> u == null || u.startsWith("jdbc:postgresql:"),
                r.key("EHR_JDBC_URL") + " must start with jdbc:postgresql:");
        String ehrUser = r.string("EHR_USER", "postgres");
        Secret ehrPassword = r.secret("EHR_PASSWORD", "");
        String slot = r.check(r.string("SLOT", DEFAULT_SLOT), s -> s.matches("[a-z0-9_]{1,63}"),
                r.key("SLOT") + " must be 1-63 of [a-z0-9_]");
        Duration interval = r.duration("INTERVAL", DEFAULT_INTERVAL, Duration.ofMillis(200), Duration.ofMinutes(10));
        String host = r.string("OPS_HOST", "0.0.0.0");
        int port = r.integer("OPS_PORT", DEFAULT_OPS_PORT, 0, 65535);
        int statusPort = r.integer("STATUS_PORT", DEFAULT_STATUS_PORT, 0, 65535);
        r.validate();
        return new OpsConfig(KafkaSettings.read(env), sinkUrl, sinkUser, sinkPassword, ehrUrl, ehrUser, ehrPassword,
                slot, interval, host, port, statusPort);
    }
}
