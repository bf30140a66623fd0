package org.ehrflow.listener.publish;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.schemas.Topics;

/**
 * Readiness of the listener's broker path: ready if a send succeeded recently and none failed since, else if the
 * raw topic can be described within a short timeout. Probe results are cached briefly so a busy /ready endpoint does not
 * hammer the broker. The admin client is created on first use.
 */
public final class BrokerReadiness implements AutoCloseable {

    private static final Duration RECENT = Duration.ofSeconds(5);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration CACHE = Duration.ofSeconds(5);

    private final KafkaSettings kafka;
    private final RawPublisher publisher;
    private Admin admin;
    private long checkedAtNanos;
    private boolean lastResult;
    private boolean probed;

    public BrokerReadiness(KafkaSettings kafka, RawPublisher publisher) {
        this.kafka = kafka;
        this.publisher = publisher;
    }

    /** Whether the broker accepted or can accept the listener's records now. */
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
                p.put(AdminClientConfig.CLIENT_ID_CONFIG, Topics.APP_HL7_LISTENER + "-readiness");
                p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(PROBE_TIMEOUT.toMillis()));
                p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(PROBE_TIMEOUT.toMillis()));
                admin = Admin.create(p);
            }
            admin.describeTopics(java.util.List.of(Topics.RAW_HL7V2.name()),
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
