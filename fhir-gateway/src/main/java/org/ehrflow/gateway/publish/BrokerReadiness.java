package org.ehrflow.gateway.publish;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.schemas.Topics;

/**
 * Readiness of the gateway's broker path: ready if a send succeeded recently and none failed since, else if the raw
 * FHIR topic can be described within a short timeout (cached briefly so /ready polling does not load the broker).
 */
public final class BrokerReadiness implements AutoCloseable {

    private static final Duration RECENT = Duration.ofSeconds(5);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration CACHE = Duration.ofSeconds(5);

    private final KafkaSettings kafka;
    private final GatewayPublisher publisher;
    private Admin admin;
    private long checkedAtNanos;
    private boolean lastResult;
    private boolean probed;

    public BrokerReadiness(KafkaSettings kafka, GatewayPublisher publisher) {
        this.kafka = kafka;
        this.publisher = publisher;
    }

    public synchronized boolean ready() {
        if (publisher.succeededWithin(RECENT)) {
            return true;
        }
        if (probed && System.nanoTime() - checkedAtNanos < CACHE.toNanos()) {
            return lastResult;
        }
        lastResult = probe();
        probed = true;
        checkedAtNanos = System.nanoTime();
        return lastResult;
    }

    private boolean probe() {
        try {
            if (admin == null) {
                Properties p = kafka.clientProps();
                p.put(AdminClientConfig.CLIENT_ID_CONFIG, GatewayPublisher.APP_ID + "-readiness");
                p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(PROBE_TIMEOUT.toMillis()));
                p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(PROBE_TIMEOUT.toMillis()));
                admin = Admin.create(p);
            }
            admin.describeTopics(List.of(Topics.RAW_FHIR.name()),
                    new DescribeTopicsOptions().timeoutMs((int) PROBE_TIMEOUT.toMillis()))
                    .allTopicNames().get(PROBE_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
