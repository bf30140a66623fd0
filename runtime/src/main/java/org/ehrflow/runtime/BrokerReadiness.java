package org.ehrflow.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;

/**
 * Readiness of an ingress's broker path (listener, gateway): ready if a send succeeded recently and none failed
 * since, else if the topic it writes can be described within a short timeout. Probe results are cached briefly so a
 * busy /ready endpoint does not hammer the broker; the admin client is created on first use.
 */
public final class BrokerReadiness implements AutoCloseable {

    private static final Duration RECENT = Duration.ofSeconds(5);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration CACHE = Duration.ofSeconds(5);

    private final KafkaSettings kafka;
    private final String clientId;
    private final String topic;
    private final Predicate<Duration> succeededWithin;
    private Admin admin;
    private long checkedAtNanos;
    private boolean lastResult;
    private boolean probed;

    /**
     * @param appId           the ingress's application id (names the probe's client)
     * @param topic           the topic it writes
     * @param succeededWithin whether its producer had a send acknowledged within the window and none failed since
     */
    public BrokerReadiness(KafkaSettings kafka, String appId, String topic, Predicate<Duration> succeededWithin) {
        this.kafka = kafka;
        this.clientId = appId + "-readiness";
        this.topic = topic;
        this.succeededWithin = succeededWithin;
    }

    /** Whether the broker accepted or can accept the ingress's records now. */
    public synchronized boolean ready() {
        if (succeededWithin.test(RECENT)) {
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
                p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
                p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(PROBE_TIMEOUT.toMillis()));
                p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(PROBE_TIMEOUT.toMillis()));
                admin = Admin.create(p);
            }
            admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs((int) PROBE_TIMEOUT.toMillis()))
                    .allTopicNames().get(PROBE_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false; // broker unreachable or the topic missing: not ready, reason on the ops metrics
        }
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
