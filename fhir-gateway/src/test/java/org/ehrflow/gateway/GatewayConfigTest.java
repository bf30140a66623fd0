package org.ehrflow.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.ehrflow.runtime.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigTest {

    @TempDir
    Path dir;

    @Test
    void readsEverySettingAndNeverPrintsATokenOrTheTokenFile() throws Exception {
        Path token = Files.writeString(dir.resolve("ehr.token"), "SECRET-TOKEN-0123456789\n");
        Path lab = Files.writeString(dir.resolve("lab.token"), "LAB-TOKEN-0123456789abc");
        GatewayConfig c = GatewayConfig.fromEnv(Map.of(
                "EHRFLOW_GATEWAY_CLIENTS", "ehr:" + token + ":*;lab:" + lab + ":Observation,DiagnosticReport",
                "EHRFLOW_GATEWAY_PORT", "8443",
                "EHRFLOW_GATEWAY_ACK_DEADLINE", "PT2S",
                "EHRFLOW_GATEWAY_FALLBACK_TYPES", "MR,EPI",
                "EHRFLOW_GATEWAY_SUBSCRIPTIONS", "admission@https://ehr.example.org/fhir",
                "EHRFLOW_GATEWAY_BULK_URL", "https://ehr.example.org/fhir",
                "EHRFLOW_GATEWAY_BULK_LEVEL", "group:g1",
                "EHRFLOW_GATEWAY_BULK_TYPES", "Patient,Condition",
                "EHRFLOW_GATEWAY_BULK_STATE_DIR", dir.toString(),
                "EHRFLOW_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"));
        assertThat(c.port()).isEqualTo(8443);
        assertThat(c.ackDeadline()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.keys().fallbackTypes()).containsExactly("MR", "EPI");
        assertThat(c.clients()).hasSize(2);
        assertThat(c.clients().get(1).client().mayWrite("Observation")).isTrue();
        assertThat(c.clients().get(1).client().mayWrite("Patient")).isFalse();
        assertThat(c.subscriptions()).singleElement().satisfies(s -> assertThat(s.id()).isEqualTo("admission"));
        assertThat(c.bulk().kickoffUrl("2026-01-01T00:00:00Z"))
                .isEqualTo("https://ehr.example.org/fhir/Group/g1/$export?_type=Patient%2CCondition"
                        + "&_since=2026-01-01T00%3A00%3A00Z");
        assertThat(c.toString()).doesNotContain("SECRET").doesNotContain("LAB-TOKEN");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> GatewayConfig.fromEnv(Map.of(
                "EHRFLOW_GATEWAY_CLIENTS", "ehr:/no/such/file:*",
                "EHRFLOW_GATEWAY_BASE_PATH", "fhir/",
                "EHRFLOW_GATEWAY_ACK_DEADLINE", "soon",
                "EHRFLOW_GATEWAY_SUBSCRIPTIONS", "admission",
                "EHRFLOW_GATEWAY_BULK_URL", "ftp://x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("EHRFLOW_GATEWAY_CLIENTS")
                .hasMessageContaining("EHRFLOW_GATEWAY_BASE_PATH")
                .hasMessageContaining("EHRFLOW_GATEWAY_ACK_DEADLINE")
                .hasMessageContaining("EHRFLOW_GATEWAY_SUBSCRIPTIONS")
                .hasMessageContaining("EHRFLOW_GATEWAY_BULK_URL")
                .hasMessageContaining("EHRFLOW_GATEWAY_BULK_STATE_DIR");
        // No client at all is a configuration error: the gateway never runs open.
        assertThatThrownBy(() -> GatewayConfig.fromEnv(Map.of())).hasMessageContaining("EHRFLOW_GATEWAY_CLIENTS");
    }
}
