package org.ehrflow.ops.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ehrflow.ops.OpsSnapshot;
import org.ehrflow.ops.lag.PartitionLag;
import org.ehrflow.ops.metrics.OpsMetrics;
import org.ehrflow.ops.slot.SlotLag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** deploy/prometheus/alerts.yml: the required alerts exist, are well formed, and use metrics that exist. */
class AlertRulesTest {

    private static final Path RULES = DeployFiles.DEPLOY.resolve("prometheus/alerts.yml");
    /** Labels an alert may aggregate by: codes and positions only, nothing that can carry PHI. */
    private static final Set<String> SAFE_LABELS = Set.of("stage", "topic", "partition", "reason", "slot", "le",
            "job", "instance", "source", "app");
    /** Metrics other apps export (the sink's freshness histogram, Prometheus' own up). */
    private static final Set<String> OTHER_APPS = Set.of("ehrflow_sink_freshness_seconds_bucket", "up");

    @Test
    @SuppressWarnings("unchecked")
    void everyRequiredAlertIsThereAndWellFormed() throws Exception {
        List<Map<String, Object>> rules = rules();
        assertThat(rules).extracting(r -> r.get("alert")).contains("EhrflowLagSecondsHigh",
                "EhrflowDeadLettersGrowing", "EhrflowFreshnessP99OverSlo", "EhrflowCdcSlotLagBytesHigh",
                "EhrflowCdcSlotLagSecondsHigh", "EhrflowCdcHeartbeatStale", "EhrflowCdcSlotInactive",
                "EhrflowStageDown");
        for (Map<String, Object> r : rules) {
            assertThat((String) r.get("expr")).as("expr of %s", r.get("alert")).isNotBlank();
            Map<String, Object> labels = (Map<String, Object>) r.get("labels");
            assertThat(labels.get("severity")).as("severity of %s", r.get("alert")).isIn("warning", "critical");
            Map<String, Object> ann = (Map<String, Object>) r.get("annotations");
            assertThat(ann).containsKeys("summary", "description");
            Matcher by = Pattern.compile("by \\(([^)]*)\\)").matcher((String) r.get("expr"));
            while (by.find()) {
                for (String l : by.group(1).split(",")) {
                    assertThat(l.strip()).as("aggregation label in %s", r.get("alert")).isIn(SAFE_LABELS);
                }
            }
        }
    }

    @Test
    void rulesUseOnlyMetricsThatAreExported() throws Exception {
        // What the ops app really exports, from a registry fed with one snapshot.
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OpsMetrics metrics = new OpsMetrics(registry);
        metrics.update(new OpsSnapshot(Instant.now(), List.of(new PartitionLag("s", "t", 0, 1, 0, 1, 1.0)),
                Map.of("d", 1L), Map.of("d", Map.of("R_CODE", 1L)), new SlotLag("slot", true, true, 1, 1, 1),
                List.of()));
        metrics.failed("kafka");
        String scrape = registry.scrape();
        for (Map<String, Object> r : rules()) {
            for (String metric : DeployFiles.metricsIn((String) r.get("expr"))) {
                if (!OTHER_APPS.contains(metric)) {
                    assertThat(scrape).as("metric %s of %s", metric, r.get("alert")).contains("\n" + metric + "{");
                }
            }
        }
    }

    @Test
    @Timeout(60)
    void promtoolAcceptsTheRulesTheirUnitTestsAndTheScrapeConfig() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/promtool")),
                "promtool not installed (apt-get install prometheus)");
        Path dir = DeployFiles.DEPLOY.resolve("prometheus");
        assertThat(promtool(dir, "check", "rules", "alerts.yml")).isZero();
        assertThat(promtool(dir, "test", "rules", "alerts_test.yml")).isZero();
        assertThat(promtool(dir, "check", "config", "prometheus.yml")).isZero();
    }

    private static int promtool(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/promtool"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start();
        assertThat(p.waitFor(50, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rules() throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> g : (List<Map<String, Object>>) DeployFiles.yaml(RULES).get("groups")) {
            out.addAll((List<Map<String, Object>>) g.get("rules"));
        }
        return out;
    }
}
