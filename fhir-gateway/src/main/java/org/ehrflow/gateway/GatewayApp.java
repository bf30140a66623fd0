package org.ehrflow.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import org.ehrflow.gateway.auth.ClientRegistry;
import org.ehrflow.gateway.auth.Jwks;
import org.ehrflow.gateway.auth.JwtAccessTokens;
import org.ehrflow.gateway.bulk.BulkScheduler;
import org.ehrflow.gateway.fhir.Capability;
import org.ehrflow.gateway.fhir.FhirCodec;
import org.ehrflow.gateway.http.FhirHandler;
import org.ehrflow.gateway.http.FhirHttpServer;
import org.ehrflow.gateway.http.GatewayMetrics;
import org.ehrflow.gateway.ingest.PatientIdentity;
import org.ehrflow.gateway.ingest.PatientIndex;
import org.ehrflow.gateway.ingest.RequestPlanner;
import org.ehrflow.gateway.publish.GatewayPublisher;
import org.ehrflow.gateway.subscription.EventLog;
import org.ehrflow.gateway.subscription.HttpSourceFetcher;
import org.ehrflow.runtime.AppRunner;
import org.ehrflow.runtime.BrokerReadiness;
import org.ehrflow.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The FHIR gateway: wiring of HTTP server, planner, producer and metrics. */
public final class GatewayApp implements AppRunner.Running {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayApp.class);

    private final GatewayConfig config;
    private final GatewayPublisher publisher;
    private final FhirHttpServer server;
    private final AutoCloseable clientMetrics;
    private final BrokerReadiness readiness;
    private final BulkScheduler bulk;

    private GatewayApp(GatewayConfig config, GatewayPublisher publisher, FhirHttpServer server,
            AutoCloseable clientMetrics, BulkScheduler bulk) {
        this.bulk = bulk;
        this.readiness = new BrokerReadiness(config.kafka(), GatewayPublisher.APP_ID,
                Topics.RAW_FHIR.name(), publisher::succeededWithin);
        this.config = config;
        this.publisher = publisher;
        this.server = server;
        this.clientMetrics = clientMetrics;
    }

    /** Starts the producer, then the FHIR port. Topics must exist ({@code TopicAdmin}). */
    public static GatewayApp start(GatewayConfig config, MeterRegistry registry) {
        LOG.info("starting fhir-gateway: {}", config);
        GatewayPublisher publisher = GatewayPublisher.create(config.kafka(), config.ackDeadline(),
                config.maxBodyBytes());
        PatientIndex index = new PatientIndex(config.patientIndexSize());
        RequestPlanner planner = new RequestPlanner(new FhirCodec(config.rejectUnknownElements()),
                new PatientIdentity(config.keys()), index, Clock.systemUTC(),
                Capability.statement(config.basePath(), new Date()), config.subscriptions(),
                new HttpSourceFetcher(config.sourceTimeout()), new EventLog(100_000));
        FhirHttpServer server;
        try {
            server = FhirHttpServer.start(
                    new FhirHttpServer.Listen(config.host(), config.port(), config.workerThreads(),
                            config.tls() == null ? null : config.tls().sslContext(),
                            config.tls() == null ? List.of() : config.tls().protocols()),
                    new FhirHandler.Settings(config.basePath(), config.maxBodyBytes(), config.ackDeadline(),
                            config.retryAfterSeconds()),
                    new ClientRegistry(config.clients(), config.smart() == null ? null : new JwtAccessTokens(
                            Jwks.parse(config.smart().jwks()), config.smart().issuer(), config.smart().audience(),
                            Clock.systemUTC())),
                    planner, publisher, index, new GatewayMetrics(registry));
        } catch (RuntimeException e) {
            publisher.close(Duration.ZERO);
            throw e;
        }
        LOG.info("fhir-gateway serving FHIR R4 on {}://{}:{}{}", config.tls() == null ? "http" : "https",
                config.host(), server.port(), config.basePath());
        BulkScheduler bulk = config.bulk() == null ? null
                : BulkScheduler.start(config.bulk(), config.bulkInterval(), config.ackDeadline(), publisher, registry);
        return new GatewayApp(config, publisher, server, publisher.bindMetrics(registry), bulk);
    }

    /** The bound FHIR port. */
    public int port() {
        return server.port();
    }

    /** The FHIR base URL on loopback, for tests and the demo. */
    public String baseUrl() {
        return (config.tls() == null ? "http" : "https") + "://127.0.0.1:" + port() + config.basePath();
    }

    /** Ready: the broker is reachable (recent successful send, or a quick metadata probe). */
    @Override
    public boolean ready() {
        return readiness.ready();
    }

    /** Stops accepting, lets requests in flight finish (up to the deadline), then flushes the producer. */
    @Override
    public void close() {
        if (bulk != null) {
            bulk.close();
        }
        server.close((int) Math.max(1, config.ackDeadline().toSeconds()));
        readiness.close();
        try {
            clientMetrics.close();
        } catch (Exception e) {
            LOG.debug("closing producer metrics: {}", e.getClass().getSimpleName());
        }
        publisher.close(config.ackDeadline());
        LOG.info("fhir-gateway stopped");
    }

    /** Runs the gateway from {@code EHRFLOW_GATEWAY_*} / {@code EHRFLOW_KAFKA_*} until the process is stopped. */
    public static void main(String[] args) {
        AppRunner.main(GatewayPublisher.APP_ID, GatewayConfig::fromEnv,
                c -> new AppRunner.OpsAddress(c.opsHost(), c.opsPort()), GatewayApp::start);
    }
}
