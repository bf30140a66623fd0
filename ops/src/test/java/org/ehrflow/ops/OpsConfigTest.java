package org.ehrflow.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.ehrflow.runtime.ConfigException;
import org.junit.jupiter.api.Test;

class OpsConfigTest {

    @Test
    void defaultsFromAnEmptyEnvironment() {
        OpsConfig c = OpsConfig.fromEnv(Map.of());
        assertThat(c.opsPort()).isEqualTo(OpsConfig.DEFAULT_OPS_PORT);
        assertThat(c.statusPort()).isEqualTo(OpsConfig.DEFAULT_STATUS_PORT);
        assertThat(c.sinkJdbcUrl()).isNull();
        assertThat(c.ehrJdbcUrl()).isNull();
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void readsEverySetting() {
        OpsConfig c = OpsConfig.fromEnv(Map.of("EHRFLOW_OPS_SINK_JDBC_URL", "jdbc:postgresql://db/rag",
                "EHRFLOW_OPS_EHR_JDBC_URL", "jdbc:postgresql://ehr/ehr", "EHRFLOW_OPS_EHR_USER", "monitor",
                "EHRFLOW_OPS_SLOT", "other_slot", "EHRFLOW_OPS_INTERVAL", "PT2S", "EHRFLOW_OPS_STATUS_PORT", "9999",
                "EHRFLOW_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"));
        assertThat(c.sinkJdbcUrl()).isEqualTo("jdbc:postgresql://db/rag");
        assertThat(c.ehrUser()).isEqualTo("monitor");
        assertThat(c.slot()).isEqualTo("other_slot");
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.statusPort()).isEqualTo(9999);
        assertThat(c.kafka().bootstrapServers()).isEqualTo("kafka:9092");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> OpsConfig.fromEnv(Map.of("EHRFLOW_OPS_SINK_JDBC_URL", "mysql://x",
                "EHRFLOW_OPS_SLOT", "Bad-Slot", "EHRFLOW_OPS_OPS_PORT", "70000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("EHRFLOW_OPS_SINK_JDBC_URL")
                .hasMessageContaining("EHRFLOW_OPS_SLOT").hasMessageContaining("EHRFLOW_OPS_OPS_PORT");
    }
}
