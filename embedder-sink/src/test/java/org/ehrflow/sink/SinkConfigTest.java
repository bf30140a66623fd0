package org.ehrflow.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.runtime.ConfigException;
import org.junit.jupiter.api.Test;

class SinkConfigTest {

    @Test
    void readsEveryKeyFromTheEnvironment() {
        SinkConfig c = SinkConfig.fromEnv(Map.of(
                "EHRFLOW_SINK_JDBC_URL", "jdbc:postgresql://db:5432/rag",
                "EHRFLOW_SINK_USER", "sink",
                "EHRFLOW_SINK_PASSWORD", "s3cret",
                "EHRFLOW_SINK_BATCH_SIZE", "64",
                "EHRFLOW_SINK_LINGER", "PT0.05S",
                "EHRFLOW_SINK_MODEL_VARIANT", "fp32",
                "EHRFLOW_SINK_POLL_TIMEOUT", "250",
                "EHRFLOW_KAFKA_BOOTSTRAP_SERVERS", "broker:9092"));
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/rag");
        assertThat(c.user()).isEqualTo("sink");
        assertThat(c.password().value()).isEqualTo("s3cret");
        assertThat(c.batchSize()).isEqualTo(64);
        assertThat(c.linger()).isEqualTo(Duration.ofMillis(50));
        assertThat(c.pollTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.modelVariant()).isEqualTo(ModelVariant.FP32);
        assertThat(c.embedBatch()).isEqualTo(8); // FP32 batches exactly (8 measured fastest); INT8 defaults to 1
        assertThat(c.kafka().bootstrapServers()).isEqualTo("broker:9092");
        assertThat(c.consumerProperties()).containsEntry("isolation.level", "read_committed")
                .containsEntry("enable.auto.commit", "false").containsEntry("group.id", "embedder-sink");
    }

    @Test
    void sourceEventsAreKeptThirtyDaysUnlessSetOtherwise() {
        assertThat(SinkConfig.fromEnv(Map.of()).eventRetention()).isEqualTo(Duration.ofDays(30));
        assertThat(SinkConfig.fromEnv(Map.of("EHRFLOW_SINK_EVENT_RETENTION", "P7D")).eventRetention())
                .isEqualTo(Duration.ofDays(7));
        assertThat(SinkConfig.fromEnv(Map.of("EHRFLOW_SINK_EVENT_RETENTION", "0")).eventRetention()).isZero();
    }

    @Test
    void aSecondModelForAReindexIsOptionalAndMustDifferFromTheFirst() {
        Map<String, String> base = Map.of("EHRFLOW_SINK_MODEL_VARIANT", "int8");
        assertThat(SinkConfig.fromEnv(base).nextModelVariant()).isNull();
        Map<String, String> next = new HashMap<>(base);
        next.put("EHRFLOW_SINK_NEXT_MODEL_VARIANT", "fp32");
        assertThat(SinkConfig.fromEnv(next).nextModelVariant()).isEqualTo(ModelVariant.FP32);
        assertThat(SinkConfig.fromEnv(next).toString()).contains("nextModel=FP32");
        next.put("EHRFLOW_SINK_NEXT_MODEL_VARIANT", "int8");
        assertThatThrownBy(() -> SinkConfig.fromEnv(next)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("EHRFLOW_SINK_NEXT_MODEL_VARIANT must differ");
    }

    @Test
    void collectsEveryProblemAndNamesTheKeys() {
        assertThatThrownBy(() -> SinkConfig.fromEnv(Map.of(
                "EHRFLOW_SINK_JDBC_URL", "jdbc:mysql://x/y",
                "EHRFLOW_SINK_BATCH_SIZE", "0",
                "EHRFLOW_SINK_MODEL_VARIANT", "large")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(3))
                .hasMessageContaining("EHRFLOW_SINK_JDBC_URL").hasMessageContaining("EHRFLOW_SINK_BATCH_SIZE")
                .hasMessageContaining("EHRFLOW_SINK_MODEL_VARIANT");
    }

    @Test
    void toStringMasksPasswords() {
        SinkConfig c = SinkConfig.fromEnv(Map.of("EHRFLOW_SINK_PASSWORD", "s3cret",
                "EHRFLOW_SINK_JDBC_URL", "jdbc:postgresql://db/rag?user=a&password=hunter2"));
        assertThat(c.toString()).doesNotContain("s3cret").doesNotContain("hunter2");
    }

    @Test
    void selectsTheOpenAiEmbedderAndMasksItsKey() {
        SinkConfig c = SinkConfig.fromEnv(Map.of(
                "EHRFLOW_SINK_EMBEDDER", "openai",
                "EHRFLOW_SINK_EMBED_URL", "https://embed.example/v1",
                "EHRFLOW_SINK_EMBED_MODEL", "text-embedding-3-small",
                "EHRFLOW_SINK_EMBED_DIMENSIONS", "384",
                "EHRFLOW_SINK_EMBED_SEND_DIMENSIONS", "true",
                "EHRFLOW_SINK_EMBED_API_KEY", "sk-never-printed",
                "EHRFLOW_SINK_EMBED_HTTP_BATCH", "32"));
        assertThat(c.httpEmbedder().model()).isEqualTo("text-embedding-3-small");
        assertThat(c.httpEmbedder().dimensions()).isEqualTo(384);
        assertThat(c.httpEmbedder().sendDimensions()).isTrue();
        assertThat(c.httpEmbedder().batchSize()).isEqualTo(32);
        assertThat(c.toString()).doesNotContain("sk-never-printed");
        assertThat(SinkConfig.fromEnv(Map.of()).httpEmbedder()).as("onnx by default").isNull();
    }

    @Test
    void anOpenAiEmbedderNeedsAUrlAndAModel() {
        assertThatThrownBy(() -> SinkConfig.fromEnv(Map.of("EHRFLOW_SINK_EMBEDDER", "openai")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("EHRFLOW_SINK_EMBED_URL")
                .hasMessageContaining("EHRFLOW_SINK_EMBED_MODEL");
        assertThatThrownBy(() -> SinkConfig.fromEnv(Map.of("EHRFLOW_SINK_EMBEDDER", "tfidf")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("onnx or openai");
    }
}
