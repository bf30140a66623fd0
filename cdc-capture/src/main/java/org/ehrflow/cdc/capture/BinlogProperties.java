package org.ehrflow.cdc.capture;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.ehrflow.cdc.CdcConfig;
import org.ehrflow.cdc.mapping.CaptureTables;

/**
 * The connector settings for a MariaDB source, read from its row-based binary log by Debezium's MySQL connector
 * (the registry serves no {@code debezium-connector-mariadb}; the MySQL connector reads MariaDB 10.11's binlog
 * by file and position through {@link MariaDbCompatDriver}, see the README). The engine-neutral settings
 * (offsets, converters, batching) are {@link EngineProperties}'.
 */
final class BinlogProperties {

    static final String CONNECTOR = "io.debezium.connector.mysql.MySqlConnector";
    /** The heartbeat table each captured MariaDB database carries (created with the schema). */
    static final String HEARTBEAT_TABLE = "cdc_heartbeat";
    /** Our own engine property: the JDBC URL the offset store reads the binlog's event list with (BinlogResume). */
    static final String RESUME_JDBC_URL = "ehrflow.binlog.jdbc.url";

    private BinlogProperties() {
    }

    /** The heartbeat write in the captured database: advances the binlog position on a quiet database. */
    static String heartbeatQuery(CdcConfig c) {
        return "UPDATE " + c.database() + "." + HEARTBEAT_TABLE + " SET ts = NOW(6) WHERE id = 1";
    }

    /** The restart-position finder for the offset store, from the engine's settings; null for other engines. */
    static BinlogResume resume(Map<String, ?> engine) {
        if (!CONNECTOR.equals(engine.get("connector.class")) || engine.get(RESUME_JDBC_URL) == null) {
            return null;
        }
        return new BinlogResume(String.valueOf(engine.get(RESUME_JDBC_URL)), String.valueOf(engine.get(
                "database.user")), String.valueOf(engine.get("database.password")));
    }

    static void apply(Properties p, CdcConfig c, CaptureTables tables) {
        p.setProperty("connector.class", CONNECTOR);
        p.setProperty(RESUME_JDBC_URL, c.jdbcUrl());
        p.setProperty("database.hostname", c.dbHost());
        p.setProperty("database.port", Integer.toString(c.dbPort()));
        p.setProperty("database.user", c.dbUser());
        p.setProperty("database.password", c.dbPassword().value());
        // MySQL Connector/J with the one statement MariaDB spells differently (see MariaDbCompatDriver)
        p.setProperty("database.jdbc.driver", MariaDbCompatDriver.class.getName());
        p.setProperty("database.protocol", MariaDbCompatDriver.PROTOCOL);
        p.setProperty("database.ssl.mode", c.mysqlSslMode().toLowerCase(Locale.ROOT));
        // The replica id this reader presents to the server: must differ from every real replica's.
        p.setProperty("database.server.id", Long.toString(c.serverId()));
        p.setProperty("database.include.list", c.database());
        p.setProperty("table.include.list", tables.includeList());
        // Snapshot under a short global read lock (RELOAD), then a consistent read; streaming from that position.
        p.setProperty("snapshot.mode", "initial");
        p.setProperty("snapshot.locking.mode", "minimal");
        // DDL history: the connector replays it on restart to know each table's shape at the resumed position.
        // Durable in Kafka (one partition, never deleted), so a restart on another host finds it.
        p.setProperty("schema.history.internal", "io.debezium.storage.kafka.history.KafkaSchemaHistory");
        p.setProperty("schema.history.internal.kafka.bootstrap.servers", c.kafka().bootstrapServers());
        p.setProperty("schema.history.internal.kafka.topic", c.schemaHistoryTopic());
        p.setProperty("schema.history.internal.store.only.captured.databases.ddl", "true");
        for (Map.Entry<Object, Object> e : c.kafka().clientProps().entrySet()) {
            // TLS/SASL for the history topic's own producer and consumer
            p.put("schema.history.internal.producer." + e.getKey(), e.getValue());
            p.put("schema.history.internal.consumer." + e.getKey(), e.getValue());
        }
        // Schema-change events would reach the handler as records of no table: not wanted on the raw topic.
        p.setProperty("include.schema.changes", "false");
        // BOOLEAN is tinyint(1) in MariaDB: send true/false as PostgreSQL's boolean is sent, so one mapping
        // file's "in: [\"true\"]" rules fit both engines.
        p.setProperty("converters", "boolean");
        p.setProperty("boolean.type", "io.debezium.connector.binlog.converters.TinyIntOneToBooleanConverter");
        p.setProperty("heartbeat.action.query", heartbeatQuery(c));
        // Reconnects of the binlog reader are Debezium's own; a longer outage ends the engine (EngineSupervisor).
        p.setProperty("connect.keep.alive", "true");
    }
}
