package org.ehrflow.cdc.capture;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

/**
 * Snapshot progress (initial and incremental) as gauges, read from the connector's own JMX metrics
 * ({@code debezium.postgres:type=connector-metrics,context=snapshot,server=<topic.prefix>}): running, completed,
 * tables total and remaining, rows scanned. NaN while the connector has not registered them. The gauges hold this
 * object strongly: nothing else does.
 */
public final class SnapshotMetrics {

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final String pattern;

    private SnapshotMetrics(String domain, String topicPrefix) {
        this.pattern = domain + ":type=connector-metrics,context=snapshot,server=" + topicPrefix + ",*";
    }

    /** Registers the gauges for the connector named by {@code topicPrefix}. */
    public static SnapshotMetrics register(String topicPrefix, MeterRegistry registry) {
        return register("debezium.postgres", topicPrefix, registry);
    }

    /**
     * @param domain the connector's JMX domain: {@code debezium.postgres}, or {@code debezium.mysql} for MariaDB
     */
    public static SnapshotMetrics register(String domain, String topicPrefix, MeterRegistry registry) {
        SnapshotMetrics m = new SnapshotMetrics(domain, topicPrefix);
        Gauge.builder("ehrflow.cdc.snapshot.running", m, s -> s.flag("SnapshotRunning"))
                .description("1 while an initial or incremental snapshot runs").strongReference(true)
                        .register(registry);
        Gauge.builder("ehrflow.cdc.snapshot.completed", m, s -> s.flag("SnapshotCompleted"))
                .description("1 once the last snapshot completed").strongReference(true).register(registry);
        Gauge.builder("ehrflow.cdc.snapshot.tables.total", m, s -> s.number("TotalTableCount"))
                .description("tables the snapshot covers").strongReference(true).register(registry);
        Gauge.builder("ehrflow.cdc.snapshot.tables.remaining", m, s -> s.number("RemainingTableCount"))
                .description("tables the snapshot has not finished").strongReference(true).register(registry);
        Gauge.builder("ehrflow.cdc.snapshot.rows.scanned", m, SnapshotMetrics::rowsScanned)
                .description("rows read by the snapshot, all tables").strongReference(true).register(registry);
        return m;
    }

    private Object attribute(String name) {
        try {
            Set<ObjectName> names = server.queryNames(new ObjectName(pattern), null);
            return names.isEmpty() ? null : server.getAttribute(names.iterator().next(), name);
        } catch (JMException | RuntimeException e) {
            return null;
        }
    }

    double flag(String name) {
        Object v = attribute(name);
        return v instanceof Boolean b ? (b ? 1 : 0) : Double.NaN;
    }

    double number(String name) {
        Object v = attribute(name);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    double rowsScanned() {
        Object v = attribute("RowsScanned");
        // An MXBean Map<String, Long> arrives as TabularData: rows of CompositeData {key, value}.
        if (v instanceof TabularData t) {
            return t.values().stream().filter(CompositeData.class::isInstance)
                    .map(row -> ((CompositeData) row).get("value")).filter(Number.class::isInstance)
                    .mapToLong(n -> ((Number) n).longValue()).sum();
        }
        if (v instanceof Map<?, ?> m) {
            return m.values().stream().filter(Number.class::isInstance).mapToLong(n -> ((Number) n).longValue())
                    .sum();
        }
        return Double.NaN;
    }
}
