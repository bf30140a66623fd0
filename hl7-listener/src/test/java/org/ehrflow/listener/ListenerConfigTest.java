package org.ehrflow.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ehrflow.runtime.ConfigException;
import org.ehrflow.runtime.identity.IdentifierCandidate;
import org.ehrflow.runtime.identity.PatientKeyResolver;
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
        assertThat(c.keys().patientKey(List.of(new IdentifierCandidate(null, "MPI", null, "42"))))
                .contains(PatientKey.of("urn:oid:1.2.3", "42"));
    }

    @Test
    void unsetKeySettingsMatchTheResolverDefaults() {
        PatientKeyResolver keys = ListenerConfig.fromEnv(Map.of()).keys();
        IdentifierCandidate hosp = new IdentifierCandidate(null, "HOSP", null, "1");
        assertThat(keys.patientKey(List.of(hosp)))
                .isEqualTo(PatientKeyResolver.defaults().patientKey(List.of(hosp)));
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

    @Test
    void readsTlsAndAllowListWithPasswordsMasked(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path ks = Files.writeString(dir.resolve("server.p12"), "placeholder");
        Path ts = Files.writeString(dir.resolve("trust.jks"), "placeholder");
        ListenerConfig c = ListenerConfig.fromEnv(Map.of(
                "EHRFLOW_LISTENER_TLS_ENABLED", "true",
                "EHRFLOW_LISTENER_TLS_KEYSTORE", ks.toString(),
                "EHRFLOW_LISTENER_TLS_KEYSTORE_PASSWORD", "s3cret-ks",
                "EHRFLOW_LISTENER_TLS_CLIENT_AUTH", "REQUIRED",
                "EHRFLOW_LISTENER_TLS_TRUSTSTORE", ts.toString(),
                "EHRFLOW_LISTENER_TLS_TRUSTSTORE_TYPE", "jks",
                "EHRFLOW_LISTENER_TLS_TRUSTSTORE_PASSWORD", "s3cret-ts",
                "EHRFLOW_LISTENER_ALLOWED_FACILITIES", "HOSP, LAB ,"));
        assertThat(c.tls().keystore()).isEqualTo(ks);
        assertThat(c.tls().keystoreType()).isEqualTo("PKCS12");
        assertThat(c.tls().keystorePassword().value()).isEqualTo("s3cret-ks");
        assertThat(c.tls().truststoreType()).isEqualTo("JKS");
        assertThat(c.tls().clientAuth()).isEqualTo(org.ehrflow.listener.tls.TlsSettings.ClientAuth.REQUIRED);
        assertThat(c.tls().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(c.allowedFacilities()).containsExactlyInAnyOrder("HOSP", "LAB");
        assertThat(c.toString()).doesNotContain("s3cret");
        assertThat(ListenerConfig.fromEnv(Map.of()).tls()).isNull();
        assertThat(ListenerConfig.fromEnv(Map.of()).allowedFacilities()).isEmpty();
    }

    @Test
    void tlsProblemsAreReportedTogether() {
        assertThatThrownBy(() -> ListenerConfig.fromEnv(Map.of(
                "EHRFLOW_LISTENER_TLS_ENABLED", "true",
                "EHRFLOW_LISTENER_TLS_KEYSTORE_TYPE", "PEM",
                "EHRFLOW_LISTENER_TLS_CLIENT_AUTH", "REQUIRED")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(3)
                        .anySatisfy(p -> assertThat(p).contains("EHRFLOW_LISTENER_TLS_KEYSTORE "))
                        .anySatisfy(p -> assertThat(p).contains("EHRFLOW_LISTENER_TLS_KEYSTORE_TYPE"))
                        .anySatisfy(p -> assertThat(p).contains("EHRFLOW_LISTENER_TLS_TRUSTSTORE")));
    }

    @Test
    void clientFacilitiesArePerCertificateAndNeedRequiredClientAuth(@org.junit.jupiter.api.io.TempDir
            Path dir) throws Exception {
        Path ks = Files.writeString(dir.resolve("server.p12"), "placeholder");
        Path ts = Files.writeString(dir.resolve("trust.p12"), "placeholder");
        Map<String, String> env = new HashMap<>(Map.of(
                "EHRFLOW_LISTENER_TLS_ENABLED", "true",
                "EHRFLOW_LISTENER_TLS_KEYSTORE", ks.toString(),
                "EHRFLOW_LISTENER_TLS_CLIENT_AUTH", "REQUIRED",
                "EHRFLOW_LISTENER_TLS_TRUSTSTORE", ts.toString(),
                "EHRFLOW_LISTENER_TLS_CLIENT_FACILITIES", "lab-engine=LAB|LAB2; adt-engine = HOSP"));
        ListenerConfig c = ListenerConfig.fromEnv(env);
        assertThat(c.tls().clientFacilities()).containsOnly(
                Map.entry("lab-engine", Set.of("LAB", "LAB2")), Map.entry("adt-engine", Set.of("HOSP")));
        env.put("EHRFLOW_LISTENER_TLS_CLIENT_AUTH", "WANT");
        env.put("EHRFLOW_LISTENER_TLS_CLIENT_FACILITIES", "lab-engine=LAB;broken");
        assertThatThrownBy(() -> ListenerConfig.fromEnv(env)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.problems()).hasSize(2)
                        .anySatisfy(p -> assertThat(p).contains("must be CN=FAC"))
                        .anySatisfy(p -> assertThat(p).contains("TLS_CLIENT_AUTH=REQUIRED")));
    }
}
