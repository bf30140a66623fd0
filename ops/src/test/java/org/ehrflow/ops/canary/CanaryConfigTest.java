package org.ehrflow.ops.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.ehrflow.runtime.ConfigException;
import org.junit.jupiter.api.Test;

class CanaryConfigTest {

    @Test
    void offUnlessSourcesAreNamed() {
        assertThat(CanaryConfig.fromEnv(Map.of()).enabled()).isFalse();
    }

    @Test
    void readsSourcesAndTimes() {
        CanaryConfig c = CanaryConfig.fromEnv(Map.of("EHRFLOW_OPS_CANARY_SOURCES", "hl7, FHIR,cdc",
                "EHRFLOW_OPS_CANARY_INTERVAL", "PT30S", "EHRFLOW_OPS_CANARY_MLLP_PORT", "2576",
                "EHRFLOW_OPS_CANARY_EHR_JDBC_URL", "jdbc:postgresql://ehr/ehr"));
        assertThat(c.sources()).containsExactlyInAnyOrder(CanaryConfig.Source.values());
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.mllpPort()).isEqualTo(2576);
    }

    @Test
    void cdcNeedsTheEhrDatabaseAndUnknownSourcesAreRefused() {
        assertThatThrownBy(() -> CanaryConfig.fromEnv(Map.of("EHRFLOW_OPS_CANARY_SOURCES", "cdc,smtp")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("EHRFLOW_OPS_CANARY_EHR_JDBC_URL")
                .hasMessageContaining("EHRFLOW_OPS_CANARY_SOURCES");
    }
}
