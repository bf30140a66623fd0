package org.ehrflow.sink.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ehrflow.sink.Fixtures.PATIENT_A;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.ehrflow.embedding.Embedder;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.sink.Fixtures;
import org.ehrflow.sink.error.ReasonCodes;
import org.ehrflow.sink.error.RecordFailure;
import org.ehrflow.sink.error.TransientException;
import org.ehrflow.sink.store.EmbeddingModels.Generations;
import org.ehrflow.sink.store.EmbeddingModels.Model;
import org.ehrflow.sink.store.SetWrite;
import org.ehrflow.sink.store.SourceRef;
import org.junit.jupiter.api.Test;

/** The two-model vector plan without PostgreSQL. */
class BatchVectorsTest {

    private final Counting old = new Counting("old-model", 1f);
    private final Counting next = new Counting("new-model", 2f);

    @Test
    void duringAReindexEveryWriteCarriesBothModelsVectorsAndStoredOnesAreReused() {
        ModelRoles roles = ModelRoles.resolve(new Generations(new Model("old-model", 1), new Model("new-model", 1)),
                List.of(old, next));
        ChunkSet s = Fixtures.upsert(PATIENT_A, "DocumentReference/1", "kept", "new text");
        String keptHash = s.chunks().get(0).contentHash();
        SourceRef ref = new SourceRef(PATIENT_A, "DocumentReference/1");
        BatchVectors.Vectors v = new BatchVectors().plan(roles, List.of(s),
                Map.of(ref, Map.of(keptHash, new float[] {9f})), Map.of());

        SetWrite w = v.writes().get(0);
        assertThat(w.vectors().get(0)).containsExactly(9f);
        assertThat(w.vectors().get(1)).containsExactly(1f);
        assertThat(w.nextVectors()).allSatisfy(x -> assertThat(x).containsExactly(2f));
        assertThat(v.embedded()).isEqualTo(1);
        assertThat(v.shadowEmbedded()).isEqualTo(2);
        assertThat(v.reused()).isEqualTo(1);
    }

    @Test
    void aRetryOfTheSameBatchDoesNotRunTheModelAgain() {
        ModelRoles roles = ModelRoles.resolve(new Generations(new Model("old-model", 1), null), List.of(old));
        BatchVectors vectors = new BatchVectors();
        List<ChunkSet> sets = List.of(Fixtures.upsert(PATIENT_A, "DocumentReference/1", "a", "b"));
        vectors.plan(roles, sets, Map.of(), Map.of());
        BatchVectors.Vectors again = vectors.plan(roles, sets, Map.of(), Map.of());
        assertThat(again.embedded()).isZero();
        assertThat(again.writes().get(0).nextVectors()).isNull();
        assertThat(old.calls.get()).isEqualTo(1);
    }

    @Test
    void aModelFailingOnTheDataIsTheRecordsFaultAnOutageIsNot() {
        List<ChunkSet> sets = List.of(Fixtures.upsert(PATIENT_A, "DocumentReference/1", "a"));
        Counting broken = new Counting("old-model", 1f) {
            @Override
            public List<float[]> embed(List<String> texts) {
                throw new IllegalArgumentException("input too long");
            }
        };
        ModelRoles roles = ModelRoles.resolve(new Generations(new Model("old-model", 1), null), List.of(broken));
        assertThatThrownBy(() -> new BatchVectors().plan(roles, sets, Map.of(), Map.of()))
                .isInstanceOf(RecordFailure.class)
                .satisfies(e -> assertThat(((RecordFailure) e).reasonCode()).isEqualTo(ReasonCodes.EMBEDDING_FAILED));
        Counting down = new Counting("old-model", 1f) {
            @Override
            public List<float[]> embed(List<String> texts) {
                throw new TransientException("endpoint down", null);
            }
        };
        ModelRoles downRoles = ModelRoles.resolve(new Generations(new Model("old-model", 1), null), List.of(down));
        assertThatThrownBy(() -> new BatchVectors().plan(downRoles, sets, Map.of(), Map.of()))
                .isInstanceOf(TransientException.class);
    }

    /** Returns {@code value} for every text and counts its calls. */
    private static class Counting implements Embedder {
        final AtomicInteger calls = new AtomicInteger();
        private final String name;
        private final float value;

        Counting(String name, float value) {
            this.name = name;
            this.value = value;
        }

        @Override
        public List<float[]> embed(List<String> texts) {
            calls.incrementAndGet();
            List<float[]> out = new ArrayList<>();
            texts.forEach(t -> out.add(new float[] {value}));
            return out;
        }

        @Override
        public String modelName() {
            return name;
        }

        @Override
        public int dimensions() {
            return 1;
        }

        @Override
        public void close() {
        }
    }
}
