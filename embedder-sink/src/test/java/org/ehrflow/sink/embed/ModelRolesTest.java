package org.ehrflow.sink.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.ehrflow.embedding.Embedder;
import org.ehrflow.sink.error.SinkFatalException;
import org.ehrflow.sink.store.EmbeddingModels.Generations;
import org.ehrflow.sink.store.EmbeddingModels.Model;
import org.junit.jupiter.api.Test;

class ModelRolesTest {

    private static final Embedder OLD = new Named("old-model", 384);
    private static final Embedder NEW = new Named("new-model", 768);

    @Test
    void withoutAReindexTheServingModelWritesAlone() {
        ModelRoles r = ModelRoles.resolve(new Generations(new Model("old-model", 384), null), List.of(OLD, NEW));
        assertThat(r.serving()).isSameAs(OLD);
        assertThat(r.building()).isNull();
        assertThat(r.shadowColumns()).isFalse();
    }

    @Test
    void duringAReindexTheSecondModelAlsoWritesTheShadowColumn() {
        ModelRoles r = ModelRoles.resolve(new Generations(new Model("old-model", 384), new Model("new-model", 768)),
                List.of(OLD, NEW));
        assertThat(r.serving()).isSameAs(OLD);
        assertThat(r.building()).isSameAs(NEW);
        assertThat(r.buildingName()).isEqualTo("new-model");
    }

    @Test
    void aSinkWithoutTheNewModelLeavesTheShadowColumnToTheBackfill() {
        ModelRoles r = ModelRoles.resolve(new Generations(new Model("old-model", 384), new Model("new-model", 768)),
                List.of(OLD));
        assertThat(r.building()).isNull();
        assertThat(r.shadowColumns()).isTrue();
    }

    @Test
    void afterTheSwitchTheSecondModelServes() {
        ModelRoles r = ModelRoles.resolve(new Generations(new Model("new-model", 768), null), List.of(OLD, NEW));
        assertThat(r.serving()).isSameAs(NEW);
    }

    @Test
    void aSinkWithoutTheServingModelStopsNamingTheSetting() {
        assertThatThrownBy(() -> ModelRoles.resolve(new Generations(new Model("new-model", 768), null), List.of(OLD)))
                .isInstanceOf(SinkFatalException.class).hasMessageContaining("new-model")
                .hasMessageContaining("EHRFLOW_SINK_NEXT_MODEL_VARIANT");
    }

    @Test
    void aVectorLengthOtherThanTheStoredOneStops() {
        assertThatThrownBy(() -> ModelRoles.resolve(new Generations(new Model("old-model", 1536), null), List.of(OLD)))
                .isInstanceOf(SinkFatalException.class).hasMessageContaining("384-dimensional")
                .hasMessageContaining("1536");
        assertThatThrownBy(() -> ModelRoles.resolve(new Generations(null, null), List.of(OLD)))
                .isInstanceOf(SinkFatalException.class).hasMessageContaining("no serving model");
    }

    private record Named(String modelName, int dimensions) implements Embedder {
        @Override
        public List<float[]> embed(List<String> texts) {
            throw new UnsupportedOperationException("not embedded in this test");
        }

        @Override
        public void close() {
        }
    }
}
