package org.ehrflow.cdc;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ehrflow.cdc.capture.BinlogPreflight;
import org.ehrflow.cdc.capture.CdcMetrics;
import org.ehrflow.cdc.capture.ChangeBatchHandler;
import org.ehrflow.cdc.capture.EngineProperties;
import org.ehrflow.cdc.capture.EngineSupervisor;
import org.ehrflow.cdc.capture.PgPreflight;
import org.ehrflow.cdc.capture.SlotLagMonitor;
import org.ehrflow.cdc.capture.LiveSchema;
import org.ehrflow.cdc.capture.MappingWatch;
import org.ehrflow.cdc.capture.SnapshotMetrics;
import org.ehrflow.cdc.mapping.CaptureTables;
import org.ehrflow.cdcmap.CdcMapping;
import org.ehrflow.cdcmap.MappingLoader;
import org.ehrflow.runtime.AppRunner;
import org.ehrflow.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CDC capture app: a Debezium embedded engine (PostgreSQL pgoutput, or MariaDB's binlog) over the EHR
 * database, publishing each row change to {@code ehr.raw.cdc.v1}. Wiring only; {@link EngineSupervisor} replaces
 * an engine that stops on a failure, and {@link #close()} stops the engine, which commits the acknowledged
 * offsets, and keeps the replication slot (PostgreSQL) or simply resumes at the stored binlog position (MariaDB).
 */
public final class CdcCaptureApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CdcCaptureApp.class);
    /** How often the slot's lag is sampled (one small catalog query). */
    static final Duration SLOT_SAMPLE_INTERVAL = Duration.ofSeconds(5);
    private static final String ASYNC_ENGINE = "io.debezium.embedded.async.ConvertingAsyncEngineBuilderFactory";

    private final Producer<String, byte[]> producer;
    private final KafkaClientMetrics producerMetrics;
    private final ChangeBatchHandler handler;
    private final EngineSupervisor supervisor;
    private final SlotLagMonitor slotMonitor;
    private final MappingWatch mappingWatch;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean taskRunning;
    private volatile boolean closed;

    private CdcCaptureApp(CdcConfig config, CdcMapping mapping, MeterRegistry registry) {
        CaptureTables tables = CaptureTables.of(mapping);
        this.producer = new KafkaProducer<>(producerProps(config), new StringSerializer(), new ByteArraySerializer());
        this.producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(registry);
        this.handler = new ChangeBatchHandler(producer, new CdcMetrics(registry), Clock.systemUTC(),
                Duration.ofMillis(200), tables);
        Properties engineProperties = EngineProperties.of(config, tables);
        this.supervisor = new EngineSupervisor(onStop -> DebeziumEngine.create(Json.class, Json.class, Json.class,
                        ASYNC_ENGINE)
                .using(engineProperties)
                .notifying(handler)
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        taskRunning = true;
                        LOG.info("capture task started ({}, database {})", config.engine(), config.database());
                    }

                    @Override
                    public void taskStopped() {
                        taskRunning = false;
                    }
                })
                .using((success, message, error) -> {
                    taskRunning = false;
                    onStop.handle(success, message, error);
                })
                .build(), config.restartBackoffInitial(), config.restartBackoffMax(), registry);
        Gauge.builder("ehrflow.cdc.running", this, a -> a.isRunning() ? 1 : 0)
                .description("1 while the capture task streams changes").register(registry);
        SnapshotMetrics.register(config.engine() == CdcConfig.Engine.MARIADB ? "debezium.mysql" : "debezium.postgres",
                config.topicPrefix(), registry);
        // Slot lag is PostgreSQL's; a MariaDB binlog reader holds nothing on the server.
        this.slotMonitor = config.engine() == CdcConfig.Engine.POSTGRES
                ? SlotLagMonitor.start(config, registry, SLOT_SAMPLE_INTERVAL) : null;
        this.mappingWatch = MappingWatch.start(config, mapping, registry, SLOT_SAMPLE_INTERVAL);
    }

    /**
     * Checks the database and the mapping file against its live schema (every problem named, with file and
     * line), then starts the engine on its own thread; returns at once. An engine that stops on a
     * failure later is replaced after a back-off ({@link EngineSupervisor}).
     */
    public static CdcCaptureApp start(CdcConfig config, MeterRegistry registry) {
        if (config.engine() == CdcConfig.Engine.MARIADB) {
            BinlogPreflight.check(config);
        } else {
            PgPreflight.check(config);
        }
        CdcMapping mapping = MappingLoader.load(config.mappingFile(), null);
        LiveSchema.check(config, mapping);
        CdcCaptureApp app = new CdcCaptureApp(config, mapping, registry);
        try {
            app.supervisor.start();
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        return app;
    }

    /** True while the connector task runs (snapshot or streaming); false during an outage and its back-off. */
    public boolean isRunning() {
        return taskRunning && !closed;
    }

    /** Why the last engine stopped on its own, if one did (it has been or is being replaced). */
    public Optional<Throwable> failure() {
        return supervisor.lastFailure();
    }

    /** Blocks until {@link #close()} has stopped the engine; false on timeout. */
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        handler.stopping();
        try {
            // Stops the task and commits offsets of every batch that was marked processed. The slot stays.
            supervisor.close();
        } finally {
            if (slotMonitor != null) {
                slotMonitor.close();
            }
            mappingWatch.close();
            producerMetrics.close();
            producer.close(Duration.ofSeconds(10));
            stopped.countDown();
        }
    }

    static Properties producerProps(CdcConfig config) {
        Properties p = config.kafka().clientProps();
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "ehrflow-cdc-capture");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        // Batches are flushed explicitly per engine batch; a tiny linger only groups a burst.
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return p;
    }

    /** Reads {@code EHRFLOW_CDC_*} and {@code EHRFLOW_KAFKA_*}, serves /metrics, runs until stopped or failed. */
    public static void main(String[] args) {
        // Engine failures are replaced in-process (EngineSupervisor): the app never fails for good on its own.
        AppRunner.main(Topics.APP_CDC_CAPTURE, CdcConfig::fromEnv,
                c -> new AppRunner.OpsAddress(c.opsHost(), c.opsPort()), (c, registry) -> {
                    CdcCaptureApp app = start(c, registry);
                    return AppRunner.running(app, app::isRunning, () -> null);
                });
    }
}
