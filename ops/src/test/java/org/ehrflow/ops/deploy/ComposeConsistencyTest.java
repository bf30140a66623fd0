package org.ehrflow.ops.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.ehrflow.api.ApiConfig;
import org.ehrflow.cdc.CdcConfig;
import org.ehrflow.chunker.ChunkerConfig;
import org.ehrflow.documents.DocumentExtractorConfig;
import org.ehrflow.gateway.GatewayConfig;
import org.ehrflow.listener.ListenerConfig;
import org.ehrflow.normalizer.NormalizerConfig;
import org.ehrflow.ops.OpsConfig;
import org.ehrflow.schemas.TopicSpec;
import org.ehrflow.schemas.Topics;
import org.ehrflow.sink.SinkConfig;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml against the apps: every EHRFLOW_* key it sets is one the app reads, each app's
 * configuration builds from the compose environment, the ops ports are the apps' defaults and match the health
 * checks and Prometheus' targets, the topics created are the contract's, and the dashboard uses known metrics.
 */
class ComposeConsistencyTest {

    /** Stage service -> (module directory, env prefix, its config's ops port from an environment). */
    private record App(String module, String prefix, ToIntFunction<Map<String, String>> opsPort) {
    }

    private static final Map<String, App> APPS = Map.of(
            "hl7-listener", new App("hl7-listener", "EHRFLOW_LISTENER_", e -> ListenerConfig.fromEnv(e).opsPort()),
            "fhir-normalizer", new App("fhir-normalizer", "EHRFLOW_NORMALIZER_",
                    e -> NormalizerConfig.fromEnv(e).opsPort()),
            "chunker-stream", new App("chunker-stream", "EHRFLOW_CHUNKER_", e -> ChunkerConfig.fromEnv(e).opsPort()),
            "embedder-sink", new App("embedder-sink", "EHRFLOW_SINK_", e -> SinkConfig.fromEnv(e).opsPort()),
            "cdc-capture", new App("cdc-capture", "EHRFLOW_CDC_", e -> CdcConfig.fromEnv(e).opsPort()),
            "ops", new App("ops", "EHRFLOW_OPS_", e -> OpsConfig.fromEnv(e).opsPort()),
            "fhir-gateway", new App("fhir-gateway", "EHRFLOW_GATEWAY_", e -> GatewayConfig.fromEnv(withTokenFile(e))
                    .opsPort()),
            // the API checks its audit key's length: the 8-character stand-in for ${...} secrets is too short
            "retrieval-api", new App("retrieval-api", "EHRFLOW_API_", e -> {
                Map<String, String> withKey = new HashMap<>(e);
                withKey.put("EHRFLOW_API_AUDIT_KEY", "k".repeat(32));
                return ApiConfig.fromEnv(withKey).opsPort();
            }),
            // one module, two services: the fast lane and the OCR lane (its own image, with Tesseract)
            "document-extractor", new App("document-extractor", "EHRFLOW_DOCUMENTS_",
                    e -> DocumentExtractorConfig.fromEnv(e).opsPort()),
            "document-ocr", new App("document-extractor", "EHRFLOW_DOCUMENTS_",
                    e -> DocumentExtractorConfig.fromEnv(e).opsPort()));

    /**
     * The gateway reads its client tokens from files the compose file mounts (deploy/secrets/fhir-gateway): here
     * the CLIENTS entry is pointed at a stand-in token file so the rest of the compose environment is checked.
     */
    private static Map<String, String> withTokenFile(Map<String, String> env) {
        try {
            Path token = Files.createTempFile("gateway", ".token");
            token.toFile().deleteOnExit();
            Files.writeString(token, "stand-in-token-0123456789");
            Map<String, String> out = new HashMap<>(env);
            out.computeIfPresent("EHRFLOW_GATEWAY_CLIENTS", (k, v) -> v.replaceAll(":[^:;]*\\.token:", ":" + token
                    + ":"));
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() throws Exception {
        return (Map<String, Map<String, Object>>) DeployFiles.yaml(DeployFiles.ROOT.resolve("docker-compose.yml"))
                .get("services");
    }

    /**
     * The service's environment as compose gives it when nothing is set: ${VAR:-default} is its default, other
     * ${VAR...} references (required secrets) a stand-in value.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, String> env(Map<String, Object> service) {
        Map<String, String> out = new HashMap<>();
        ((Map<String, Object>) service.getOrDefault("environment", Map.of())).forEach((k, v) ->
                out.put(k, DeployFiles.composeDefault(String.valueOf(v))
                        .replaceAll("\\$\\{[^}]*}", "stand-in")));
        return out;
    }

    @Test
    void everyStageIsAServiceWithItsOwnImage() throws Exception {
        Map<String, Map<String, Object>> services = services();
        assertThat(services).containsKeys("kafka", "postgres", "prometheus", "grafana");
        APPS.keySet().forEach(s -> assertThat(services.get(s)).as(s).containsEntry("image", "ehrflow/" + s + ":dev"));
        assertThat(services.get("kafka").get("image")).isEqualTo("apache/kafka:3.9.1");
        assertThat(services.get("postgres").get("image")).isEqualTo("pgvector/pgvector:pg15");
        services.forEach((name, s) -> {
            if (!name.equals("kafka-topics") && !name.equals("ehr-init") && !name.equals("api-init")) {
                assertThat(s).as("health check of %s", name).containsKey("healthcheck");
            }
        });
    }

    @Test
    void everyEhrflowKeyIsReadByItsApp() throws Exception {
        for (Map.Entry<String, Map<String, Object>> s : services().entrySet()) {
            for (String key : env(s.getValue()).keySet()) {
                if (!key.startsWith("EHRFLOW_")) {
                    continue;
                }
                String module;
                String suffix;
                if (key.startsWith("EHRFLOW_KAFKA_")) {
                    module = "runtime";
                    suffix = key.substring("EHRFLOW_KAFKA_".length());
                } else if (key.startsWith("EHRFLOW_OPS_INIT_")) {
                    module = "ops";
                    suffix = key.substring("EHRFLOW_OPS_INIT_".length());
                } else {
                    App app = APPS.values().stream().filter(a -> key.startsWith(a.prefix())).findFirst()
                            .orElseThrow(() -> new AssertionError("no app reads " + key));
                    module = app.module();
                    suffix = key.substring(app.prefix().length());
                }
                assertThat(DeployFiles.mainSources(module)).as("%s (service %s) read by %s", key, s.getKey(), module)
                        .contains("\"" + suffix + "\"");
            }
        }
    }

    @Test
    void eachAppConfiguresFromTheComposeEnvironmentAndItsOpsPortIsTheDefault() throws Exception {
        Map<String, Map<String, Object>> services = services();
        Map<String, Object> prometheus = DeployFiles.yaml(DeployFiles.DEPLOY.resolve("prometheus/prometheus.yml"));
        List<String> targets = new ArrayList<>();
        for (Object job : (List<?>) prometheus.get("scrape_configs")) {
            for (Object sc : (List<?>) ((Map<?, ?>) job).get("static_configs")) {
                ((List<?>) ((Map<?, ?>) sc).get("targets")).forEach(t -> targets.add((String) t));
            }
        }
        for (Map.Entry<String, App> a : APPS.entrySet()) {
            Map<String, String> env = env(services.get(a.getKey()));
            int port = a.getValue().opsPort().applyAsInt(env);
            // Without the explicit setting the app picks the same port: compose restates the default.
            Map<String, String> withoutPort = new HashMap<>(env);
            withoutPort.remove(a.getValue().prefix() + "OPS_PORT");
            assertThat(a.getValue().opsPort().applyAsInt(withoutPort)).as("default ops port of %s", a.getKey())
                    .isEqualTo(port);
            assertThat(targets).as("Prometheus target of %s", a.getKey()).contains(a.getKey() + ":" + port);
            assertThat(String.valueOf(services.get(a.getKey()).get("healthcheck")))
                    .as("health check of %s", a.getKey()).contains("/dev/tcp/127.0.0.1/" + port).contains("/ready");
        }
        assertThat(targets).hasSize(APPS.size());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theOcrLaneIsItsOwnNicedCpuCappedServiceAndTheChunkerReadsTheExtractor() throws Exception {
        Map<String, Map<String, Object>> services = services();
        DocumentExtractorConfig fast = DocumentExtractorConfig.fromEnv(env(services.get("document-extractor")));
        DocumentExtractorConfig ocr = DocumentExtractorConfig.fromEnv(env(services.get("document-ocr")));
        assertThat(fast.lanes()).isEqualTo(DocumentExtractorConfig.Lanes.FAST);
        assertThat(ocr.lanes()).isEqualTo(DocumentExtractorConfig.Lanes.SLOW);
        assertThat(ocr.ocrNiceness()).isPositive();
        assertThat(ocr.opsPort()).isNotEqualTo(fast.opsPort());
        Map<String, Object> limits = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) services
                .get("document-ocr").get("deploy")).get("resources")).get("limits");
        assertThat(Double.parseDouble(String.valueOf(limits.get("cpus")))).isPositive();
        assertThat(services.get("document-extractor")).doesNotContainKey("deploy");
        assertThat(ChunkerConfig.fromEnv(env(services.get("chunker-stream"))).documentsFromExtractor()).isTrue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void topicsCreatedAreTheContractsTopics() throws Exception {
        String script = String.join("\n", (List<String>) services().get("kafka-topics").get("command"));
        List<String> created = List.of(script.split("for t in ")[1].split(";")[0].trim().split("\\s+"));
        assertThat(created).containsExactlyInAnyOrderElementsOf(
                Topics.all().stream().map(TopicSpec::name).toList());
    }

    @Test
    void dashboardIsProvisionedAndUsesKnownMetrics() throws Exception {
        JsonNode dash = new ObjectMapper().readTree(
                DeployFiles.DEPLOY.resolve("grafana/dashboards/ehrflow.json").toFile());
        String datasources = Files.readString(
                DeployFiles.DEPLOY.resolve("grafana/provisioning/datasources/prometheus.yml"));
        assertThat(dash.get("uid").asText()).isEqualTo("ehrflow-pipeline");
        String code = DeployFiles.mainSources("ops") + DeployFiles.mainSources("hl7-listener")
                + DeployFiles.mainSources("fhir-normalizer") + DeployFiles.mainSources("chunker-stream")
                + DeployFiles.mainSources("embedder-sink") + DeployFiles.mainSources("cdc-capture");
        int exprs = 0;
        for (JsonNode panel : dash.get("panels")) {
            assertThat(datasources).contains("uid: " + panel.get("datasource").get("uid").asText());
            for (JsonNode t : panel.get("targets")) {
                exprs++;
                for (String metric : DeployFiles.metricsIn(t.get("expr").asText())) {
                    if (metric.equals("up")) {
                        continue;
                    }
                    // Micrometer name: ehrflow_sink_freshness_seconds_bucket <- "ehrflow.sink.freshness".
                    String meter = metric.replaceAll("_(seconds_bucket|total|bytes|seconds)$", "")
                            .replace('_', '.');
                    boolean found = code.contains("\"" + meter + "\"")
                            || code.contains("\"" + metric.replace('_', '.') + "\"");
                    assertThat(found).as("a meter in the apps' code behind %s", metric).isTrue();
                }
            }
        }
        assertThat(exprs).isGreaterThan(10);
    }
}
