package org.ehrflow.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.ehrflow.ops.lag.LagTable;
import org.ehrflow.ops.lag.PartitionLag;
import org.ehrflow.ops.lag.Stage;
import org.junit.jupiter.api.Test;

class LagTableTest {

    private final List<PartitionLag> lags = List.of(
            new PartitionLag("fhir-normalizer", "ehr.raw.hl7v2.v1", 0, 10, 7, 3, 1.5),
            new PartitionLag("fhir-normalizer", "ehr.raw.hl7v2.v1", 1, 5, 5, 0, 0),
            new PartitionLag("embedder-sink", "ehr.chunked.chunk-set.v1", 0, 4, 4, 0, 0));

    @Test
    void tableHasOneRowPerPartition() {
        String t = LagTable.render(lags);
        assertThat(t.lines()).hasSize(4);
        assertThat(t).contains("ehr.raw.hl7v2.v1").contains("1.5");
    }

    @Test
    void summaryTotalsPerStageAndTakesTheWorstSeconds() {
        assertThat(LagTable.summary(lags)).isEqualTo("fhir-normalizer lag=3 (1.5s)  embedder-sink lag=0 (0.0s)");
    }

    @Test
    void pipelineStagesCoverEveryConsumedTopic() {
        assertThat(Stage.pipeline()).extracting(Stage::name)
                .containsExactly("fhir-normalizer", "chunker-stream", "embedder-sink");
        assertThat(Stage.pipeline().get(2).offsetStore()).isEqualTo(Stage.OffsetStore.POSTGRES);
    }
}
