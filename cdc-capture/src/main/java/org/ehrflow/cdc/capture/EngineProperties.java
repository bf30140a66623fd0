package org.ehrflow.cdc.capture;

import java.util.Properties;
import org.ehrflow.cdc.CdcConfig;
import org.ehrflow.cdc.mapping.CaptureTables;

/**
 * The Debezium engine and connector settings derived from {@link CdcConfig} (PostgreSQL here, MariaDB in
 * {@link BinlogProperties}). Every choice that matters
 * for correctness is spelled out here rather than left to a Debezium default that could change.
 */
public final class EngineProperties {

    /** Debezium's signal table: an INSERT there starts an incremental snapshot (see V4 migration). */
    public static final String SIGNAL_TABLE = "ehr.debezium_signal";
    /** Debezium's heartbeat action: a write in the captured database so the slot can advance on quiet tables. */
    public static final String HEARTBEAT_QUERY = "UPDATE ehr.cdc_heartbeat SET ts = now() WHERE id = 1";
    /** Engine name; also the offsets' namespace in the offsets topic, so keep it stable. */
    public static final String ENGINE_NAME = "ehrflow-cdc-capture";

    private EngineProperties() {
    }

    /** The demo EHR's tables. */
    public static Properties of(CdcConfig c) {
        return of(c, CaptureTables.DEMO);
    }

    /**
     * @param tables the mapped tables: their changes reach the raw topic (the signal table is captured for
     *               signals only; the heartbeat table is published but not captured)
     */
    public static Properties of(CdcConfig c, CaptureTables tables) {
        Properties p = new Properties();
        // Kafka client properties (TLS/SASL) first: the offset store's producer, consumer and admin read them.
        p.putAll(c.kafka().clientProps());
        p.setProperty("name", ENGINE_NAME);
        p.setProperty("topic.prefix", c.topicPrefix());
        if (c.engine() == CdcConfig.Engine.MARIADB) {
            BinlogProperties.apply(p, c, tables);
        } else {
            postgres(p, c, tables);
        }
        p.setProperty("tombstones.on.delete", "false");
        // numeric columns as decimal strings: the default ("precise") is base64 bytes once schemas are off.
        p.setProperty("decimal.handling.mode", "string");
        p.setProperty("heartbeat.interval.ms", Long.toString(c.heartbeatInterval().toMillis()));
        p.setProperty("poll.interval.ms", Long.toString(c.pollInterval().toMillis()));
        p.setProperty("max.batch.size", Integer.toString(c.maxBatchSize()));
        p.setProperty("max.queue.size", Integer.toString(Math.max(8192, c.maxBatchSize() * 4)));
        p.setProperty("provide.transaction.metadata", "false");
        // Debezium 3.6 restarts a failed task inside the engine, every 10 s and forever, by default: the engine
        // never stops, so readiness never shows the outage. Fail the engine instead; EngineSupervisor replaces
        // it with a capped back-off and resumes from the stored offsets (CdcDatabaseOutageIT).
        p.setProperty("errors.max.retries", "0");

        // Connect's KafkaOffsetBackingStore, owning its admin client (see KafkaOffsetStore).
        p.setProperty("offset.storage", KafkaOffsetStore.class.getName());
        p.setProperty("bootstrap.servers", c.kafka().bootstrapServers());
        p.setProperty("offset.storage.topic", c.offsetsTopic());
        p.setProperty("offset.storage.partitions", "1");
        p.setProperty("offset.storage.replication.factor", Short.toString(c.offsetsReplicationFactor()));
        p.setProperty("offset.flush.interval.ms", Long.toString(c.offsetFlushInterval().toMillis()));
        p.setProperty("offset.flush.timeout.ms", "10000");

        // Envelope JSON without the Connect schema: the contract's DEBEZIUM_JSON payload.
        p.setProperty("converter.schemas.enable", "false");
        p.setProperty("key.converter.schemas.enable", "false");
        p.setProperty("value.converter.schemas.enable", "false");
        // One ordered stream: handleBatch sees events in commit order.
        p.setProperty("record.processing.order", "ORDERED");
        p.setProperty("record.processing.threads", "1");
        return p;
    }

    private static void postgres(Properties p, CdcConfig c, CaptureTables tables) {
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("database.hostname", c.dbHost());
        p.setProperty("database.port", Integer.toString(c.dbPort()));
        p.setProperty("database.dbname", c.database());
        p.setProperty("database.user", c.dbUser());
        p.setProperty("database.password", c.dbPassword().value());
        p.setProperty("database.sslmode", c.sslMode().value());
        if (c.sslRootCert() != null) {
            p.setProperty("database.sslrootcert", c.sslRootCert());
        }

        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("publication.name", c.publication());
        // The migration owns the publication; the capture role cannot (and must not) create one.
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("slot.name", c.slotName());
        // The slot is the only record of changes made while capture is down: never drop it on stop.
        p.setProperty("slot.drop.on.stop", "false");
        p.setProperty("table.include.list", tables.includeList() + "," + SIGNAL_TABLE);
        p.setProperty("snapshot.mode", "initial");
        // Incremental snapshots on demand: the source channel reads signals from the replication stream.
        p.setProperty("signal.enabled.channels", "source");
        p.setProperty("signal.data.collection", SIGNAL_TABLE);
        p.setProperty("incremental.snapshot.chunk.size", "1024");
        // Schema evolution: a column added while running appears in the next event (pgoutput sends a new
        // relation message); columns are not filtered, so nothing needs a restart.
        p.setProperty("heartbeat.action.query", HEARTBEAT_QUERY);
    }
}
