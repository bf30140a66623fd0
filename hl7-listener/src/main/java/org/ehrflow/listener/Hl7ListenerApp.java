package org.ehrflow.listener;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ehrflow.listener.hl7.AckIds;
import org.ehrflow.listener.ingest.IngestHandler;
import org.ehrflow.listener.ingest.ListenerMetrics;
import org.ehrflow.listener.intake.Hl7Intake;
import org.ehrflow.listener.mllp.MllpEndpoint;
import org.ehrflow.listener.mllp.MllpServer;
import org.ehrflow.listener.mllp.TlsMllpServer;
import org.ehrflow.listener.publish.RawPublisher;
import org.ehrflow.runtime.BrokerReadiness;
import org.ehrflow.runtime.AppRunner;
import org.ehrflow.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HL7 v2 MLLP listener: wiring of server, intake, producer and metrics. */
public final class Hl7ListenerApp implements AppRunner.Running {

    private static final Logger LOG = LoggerFactory.getLogger(Hl7ListenerApp.class);

    private final ListenerConfig config;
    private final RawPublisher publisher;
    private final ExecutorService workers;
    private final MllpEndpoint server;
    private final BrokerReadiness readiness;
    private final AutoCloseable clientMetrics;

    private Hl7ListenerApp(ListenerConfig config, RawPublisher publisher, ExecutorService workers,
            MllpEndpoint server, BrokerReadiness readiness, AutoCloseable clientMetrics) {
        this.config = config;
        this.publisher = publisher;
        this.workers = workers;
        this.server = server;
        this.readiness = readiness;
        this.clientMetrics = clientMetrics;
    }

    /** Starts the listener: the producer, then the MLLP port. */
    public static Hl7ListenerApp start(ListenerConfig config, MeterRegistry registry) {
        LOG.info("starting hl7-listener: {}", config);
        RawPublisher publisher = RawPublisher.create(config.kafka(), config.ackDeadline());
        AtomicInteger n = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(config.workerThreads(), r -> {
            Thread t = new Thread(r, "hl7-listener-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Clock clock = Clock.systemUTC();
        Hl7Intake intake = new Hl7Intake(config.defaultCharset(), config.processingIds(), config.keys(),
                config.eventTimeZone(), clock, config.allowedFacilities(),
                config.tls() == null ? Map.of() : config.tls().clientFacilities());
        IngestHandler handler = new IngestHandler(intake, publisher, workers, config.ackDeadline(),
                new AckIds(System.currentTimeMillis()), clock, new ListenerMetrics(registry));
        MllpEndpoint server;
        try {
            MllpServer.Settings settings = new MllpServer.Settings(config.host(), config.port(),
                    config.maxFrameBytes(), config.readTimeout(), config.maxConnections(),
                    config.ackDeadline().plusSeconds(1));
            server = config.tls() == null ? MllpServer.start(settings, handler, registry)
                    : TlsMllpServer.start(settings, config.tls(), handler, registry);
        } catch (RuntimeException e) {
            workers.shutdownNow();
            publisher.close(Duration.ZERO);
            throw e;
        }
        LOG.info("hl7-listener accepting MLLP{} on {}:{}", config.tls() == null ? "" : " over TLS", config.host(),
                server.port());
        BrokerReadiness readiness = new BrokerReadiness(config.kafka(), Topics.APP_HL7_LISTENER,
                Topics.RAW_HL7V2.name(), publisher::succeededWithin);
        return new Hl7ListenerApp(config, publisher, workers, server, readiness,
                publisher.bindMetrics(registry));
    }

    /** The bound MLLP port. */
    public int port() {
        return server.port();
    }

    /** Ready: serving MLLP and the broker reachable (recent successful send, or a quick metadata probe). */
    @Override
    public boolean ready() {
        return server.isRunning() && readiness.ready();
    }

    @Override
    public String failure() {
        return server.isRunning() ? null : "the MLLP server stopped accepting";
    }

    /** Stops accepting, answers frames in flight (up to the ACK deadline), then flushes and closes the producer. */
    @Override
    public void close() {
        server.close();
        workers.shutdown();
        try {
            workers.awaitTermination(config.ackDeadline().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        readiness.close();
        try {
            clientMetrics.close();
        } catch (Exception e) {
            LOG.debug("closing producer metrics: {}", e.getClass().getSimpleName());
        }
        publisher.close(config.ackDeadline());
        LOG.info("hl7-listener stopped");
    }

    /** Runs the listener from {@code EHRFLOW_LISTENER_*} / {@code EHRFLOW_KAFKA_*} until the process is stopped. */
    public static void main(String[] args) {
        AppRunner.main(Topics.APP_HL7_LISTENER, ListenerConfig::fromEnv,
                c -> new AppRunner.OpsAddress(c.opsHost(), c.opsPort()), Hl7ListenerApp::start);
    }
}
