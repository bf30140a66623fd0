package org.ehrflow.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets read from files, as Docker and Kubernetes mount them ({@code <KEY>_FILE}). */
class SecretFilesTest {

    @TempDir
    Path dir;

    @Test
    void aSecretComesFromTheFileItsFileVariableNames() throws Exception {
        Path f = Files.writeString(dir.resolve("pw"), "s3cr3t-from-file\n", StandardCharsets.UTF_8);
        ConfigReader r = new ConfigReader(Map.of("EHRFLOW_SINK_PASSWORD_FILE", f.toString()), "EHRFLOW_SINK_");
        assertThat(r.secret("PASSWORD", "").value()).isEqualTo("s3cr3t-from-file");
        r.validate();
    }

    @Test
    void bothOrAnUnreadableFileAreProblemsThatNeverQuoteTheSecret() {
        ConfigReader r = new ConfigReader(Map.of("EHRFLOW_SINK_PASSWORD", "inline-pw",
                "EHRFLOW_SINK_PASSWORD_FILE", dir.resolve("missing").toString()), "EHRFLOW_SINK_");
        r.secret("PASSWORD", "");
        assertThatThrownBy(r::validate).hasMessageContaining("EHRFLOW_SINK_PASSWORD_FILE")
                .hasMessageContaining("not both").hasMessageContaining("cannot be read")
                .hasMessageNotContaining("inline-pw");
    }

    @Test
    void kafkaPassThroughReadsFileVariablesAndMasksThem() throws Exception {
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"sink\" "
                + "password=\"p\";";
        Path f = Files.writeString(dir.resolve("jaas"), jaas + "\n", StandardCharsets.UTF_8);
        KafkaSettings k = KafkaSettings.read(Map.of("EHRFLOW_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9093",
                "EHRFLOW_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "EHRFLOW_KAFKA_SASL_JAAS_CONFIG_FILE", f.toString()));
        assertThat(k.clientProps()).containsEntry("sasl.jaas.config", jaas).containsEntry("security.protocol",
                "SASL_SSL").doesNotContainKey("sasl.jaas.config.file");
        assertThat(k.toString()).doesNotContain("password=");
    }
}
