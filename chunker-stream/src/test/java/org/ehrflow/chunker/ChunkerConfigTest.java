package org.ehrflow.chunker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.runtime.ConfigException;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.Test;

class ChunkerConfigTest {

    @Test
    void readsEveryKey() {
        ChunkerConfig c = ChunkerConfig.fromEnv(Map.of(
                "EHRFLOW_KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                "EHRFLOW_CHUNKER_MODEL_VARIANT", "fp32",
                "EHRFLOW_CHUNKER_MAX_TOKENS", "96",
                "EHRFLOW_CHUNKER_OVERLAP_TOKENS", "8",
                "EHRFLOW_CHUNKER_STATE_DIR", "/var/lib/chunker",
                "EHRFLOW_CHUNKER_STREAM_THREADS", "2",
                "EHRFLOW_CHUNKER_OPS_PORT", "9000",
                "EHRFLOW_CHUNKER_DEIDENTIFY", "false"));
        assertThat(c.deidentify()).isFalse();
        assertThat(c.modelVariant()).isEqualTo(ModelVariant.FP32);
        assertThat(c.chunking().maxTokens()).isEqualTo(96);
        assertThat(c.overlapTokens()).isEqualTo(8);
        assertThat(c.stateDir()).isEqualTo(Path.of("/var/lib/chunker"));
        assertThat(c.opsPort()).isEqualTo(9000);
        var p = c.streamsProperties();
        assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(p.get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo(Topics.APP_CHUNKER);
        assertThat(p.get("bootstrap.servers")).isEqualTo("broker:9092");
        assertThat(p.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo(2);
    }

    @Test
    void defaultsAreTheFullWindowWithSixteenTokensOverlap() {
        ChunkerConfig c = ChunkerConfig.fromEnv(Map.of());
        assertThat(c.maxTokens()).isEqualTo(128);
        assertThat(c.overlapTokens()).isEqualTo(16);
        assertThat(c.modelVariant()).isEqualTo(ModelVariant.INT8);
        assertThat(c.deidentify()).isTrue();
        assertThat(ChunkerConfig.defaults("b:9092").deidentify()).isTrue();
    }

    @Test
    void reportsEveryProblemAtOnceNamingTheKeys() {
        assertThatThrownBy(() -> ChunkerConfig.fromEnv(Map.of(
                "EHRFLOW_CHUNKER_MODEL_VARIANT", "large",
                "EHRFLOW_CHUNKER_MAX_TOKENS", "512",
                "EHRFLOW_CHUNKER_OVERLAP_TOKENS", "200")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.startsWith("EHRFLOW_CHUNKER_MODEL_VARIANT"))
                        .anyMatch(p -> p.startsWith("EHRFLOW_CHUNKER_MAX_TOKENS"))
                        .anyMatch(p -> p.startsWith("EHRFLOW_CHUNKER_OVERLAP_TOKENS")));
    }

    @Test
    void overlapMustStayWithinAQuarterOfTheWindow() {
        assertThatThrownBy(() -> ChunkerConfig.fromEnv(Map.of("EHRFLOW_CHUNKER_MAX_TOKENS", "64",
                "EHRFLOW_CHUNKER_OVERLAP_TOKENS", "20")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .containsExactly("EHRFLOW_CHUNKER_OVERLAP_TOKENS must be at most a quarter of "
                                + "EHRFLOW_CHUNKER_MAX_TOKENS (16)"));
    }
}
