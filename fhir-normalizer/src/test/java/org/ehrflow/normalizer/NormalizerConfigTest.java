package org.ehrflow.normalizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.ehrflow.runtime.ConfigException;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.Test;

class NormalizerConfigTest {

    @Test
    void defaultsAreExactlyOnceWithTheDemoAuthoritiesAndSyntheaKeySystem() {
        NormalizerConfig c = NormalizerConfig.fromEnv(Map.of("EHRFLOW_KAFKA_BOOTSTRAP_SERVERS", "b:9092"));
        assertThat(c.applicationId()).isEqualTo(Topics.APP_FHIR_NORMALIZER);
        assertThat(c.streamsProperties()).containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                StreamsConfig.EXACTLY_ONCE_V2).containsEntry("bootstrap.servers", "b:9092");
        assertThat(c.keySystems()).containsExactly(PatientKeyResolver.DEFAULT_MRN_SYSTEM,
                NormalizerConfig.SYNTHEA_MRN_SYSTEM);
        assertThat(c.patientKeyResolver().systemForAuthority("HOSP")).isEqualTo(PatientKeyResolver.DEFAULT_MRN_SYSTEM);
    }

    @Test
    void readsAuthorityAndKeySystemTables() {
        NormalizerConfig c = NormalizerConfig.fromEnv(Map.of(
                "EHRFLOW_NORMALIZER_AUTHORITY_SYSTEMS", "MAIN=http://main.example/mrn, LAB=http://lab.example/id",
                "EHRFLOW_NORMALIZER_KEY_SYSTEMS", "http://main.example/mrn",
                "EHRFLOW_NORMALIZER_COMMIT_INTERVAL", "PT1S"));
        assertThat(c.authoritySystems()).containsEntry("LAB", "http://lab.example/id");
        assertThat(c.commitInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.patientKeyResolver().patientKey(List.of(
                new org.ehrflow.runtime.identity.IdentifierCandidate(null, "MAIN", null, "42"))))
                .contains(PatientKey.of("http://main.example/mrn", "42"));
    }

    @Test
    void reportsEveryBadSettingAtOnceNamingTheKeys() {
        assertThatThrownBy(() -> NormalizerConfig.fromEnv(Map.of(
                "EHRFLOW_NORMALIZER_AUTHORITY_SYSTEMS", "broken",
                "EHRFLOW_NORMALIZER_STREAM_THREADS", "0",
                "EHRFLOW_NORMALIZER_HL7_DEFAULT_ZONE", "Mars/Olympus")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(3)
                        .anyMatch(p -> p.contains("EHRFLOW_NORMALIZER_AUTHORITY_SYSTEMS"))
                        .anyMatch(p -> p.contains("EHRFLOW_NORMALIZER_STREAM_THREADS"))
                        .anyMatch(p -> p.contains("EHRFLOW_NORMALIZER_HL7_DEFAULT_ZONE")));
    }
}
