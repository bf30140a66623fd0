package org.ehrflow.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.ehrflow.runtime.ConfigException;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.runtime.identity.IdentifierCandidate;
import org.ehrflow.schemas.PatientKey;
import org.junit.jupiter.api.Test;

class ListenerConfigTest {

    @Test
    void defaultsBindLoopbackOnTheStandardPort() {
        ListenerConfig c = ListenerConfig.fromEnv(Map.of());
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(2575);
        assertThat(c.maxFrameBytes()).isEqualTo(1024 * 1024);
        assertThat(c.ackDeadline()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.defaultCharset()).isEqualTo(StandardCharsets.UTF_8);
        assertThat(c.processingIds()).containsExactlyInAnyOrder("P", "T", "D");
        assertThat(c.kafka().bootstrapServers()).isEqualTo("localhost:9092");
    }

    @Test
    void readsEverySetting() {
        ListenerConfig c = ListenerConfig.fromEnv(Map.ofEntries(
                Map.entry("EHRFLOW_LISTENER_HOST", "0.0.0.0"),
                Map.entry("EHRFLOW_LISTENER_PORT", "0"),
                Map.entry("EHRFLOW_LISTENER_MAX_FRAME_BYTES", "2048"),
                Map.entry("EHRFLOW_LISTENER_READ_TIMEOUT", "PT30S"),
                Map.entry("EHRFLOW_LISTENER_ACK_DEADLINE", "2500"),
                Map.entry("EHRFLOW_LISTENER_DEFAULT_CHARSET", "8859/1"),
                Map.entry("EHRFLOW_LISTENER_MAX_CONNECTIONS", "7"),
                Map.entry("EHRFLOW_LISTENER_PROCESSING_IDS", "P"),
                Map.entry("EHRFLOW_LISTENER_AUTHORITY_SYSTEMS", "MPI=urn:oid:1.2.3"),
                Map.entry("EHRFLOW_LISTENER_KEY_SYSTEMS", "urn:oid:1.2.3"),
                Map.entry("EHRFLOW_KAFKA_BOOTSTRAP_SERVERS", "broker:9093")));
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.port()).isZero();
        assertThat(c.maxFrameBytes()).isEqualTo(2048);
        assertThat(c.readTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.ackDeadline()).isEqualTo(Duration.ofMillis(2500));
        assertThat(c.defaultCharset()).isEqualTo(StandardCharsets.ISO_8859_1);
        assertThat(c.maxConnections()).isEqualTo(7);
        assertThat(c.processingIds()).containsExactly("P");
        assertThat(c.kafka().bootstrapServers()).isEqualTo("broker:9093");
        assertThat(c.keys().patientKey(java.util.List.of(new IdentifierCandidate(null, "MPI", null, "42"))))
                .contains(PatientKey.of("urn:oid:1.2.3", "42"));
    }

    @Test
    void unsetKeySettingsMatchTheResolverDefaults() {
        PatientKeyResolver keys = ListenerConfig.fromEnv(Map.of()).keys();
        IdentifierCandidate hosp = new IdentifierCandidate(null, "HOSP", null, "1");
        assertThat(keys.patientKey(java.util.List.of(hosp)))
                .isEqualTo(PatientKeyResolver.defaults().patientKey(java.util.List.of(hosp)));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> ListenerConfig.fromEnv(Map.of(
                "EHRFLOW_LISTENER_PORT", "99999",
                "EHRFLOW_LISTENER_ACK_DEADLINE", "soon",
                "EHRFLOW_LISTENER_DEFAULT_CHARSET", "EBCDIC",
                "EHRFLOW_LISTENER_AUTHORITY_SYSTEMS", "HOSP")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(4)
                        .anySatisfy(p -> assertThat(p).contains("EHRFLOW_LISTENER_PORT"))
                        .anySatisfy(p -> assertThat(p).contains("EHRFLOW_LISTENER_ACK_DEADLINE"))
                        .anySatisfy(p -> assertThat(p).contains("EHRFLOW_LISTENER_DEFAULT_CHARSET"))
                        .anySatisfy(p -> assertThat(p).contains("EHRFLOW_LISTENER_AUTHORITY_SYSTEMS")));
    }
}
