package org.ehrflow.sink.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ehrflow.sink.Fixtures.PATIENT_A;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.sink.Fixtures;
import org.ehrflow.sink.consume.ChunkSetDecoder;
import org.ehrflow.sink.store.SourceRef;
import org.junit.jupiter.api.Test;

class VectorPlannerTest {

    private final List<String> modelCalls = new ArrayList<>();

    /** A fake model: records what it was asked, returns [length] per text. */
    private List<float[]> fakeModel(List<String> texts) {
        modelCalls.addAll(texts);
        return texts.stream().map(t -> new float[] {t.length()}).toList();
    }

    @Test
    void keepsStoredVectorsOfUnchangedTextAndEmbedsTheRest() {
        ChunkSet set = Fixtures.upsert(PATIENT_A, "DocumentReference/n-1", "unchanged text", "new text");
        float[] stored = {42f};
        Map<SourceRef, Map<String, float[]>> known = Map.of(new SourceRef(PATIENT_A, "DocumentReference/n-1"),
                Map.of(ChunkSetDecoder.sha256("unchanged text"), stored));

        VectorPlanner.Plan plan = new VectorPlanner().plan(List.of(set), known, this::fakeModel);

        assertThat(modelCalls).containsExactly("new text");
        assertThat(plan.embedded()).isEqualTo(1);
        assertThat(plan.reused()).isEqualTo(1);
        assertThat(plan.writes().get(0).vectors()).containsExactly(stored, new float[] {8f});
    }

    @Test
    void storedVectorsOfAnotherSourceAreNotReused() {
        ChunkSet set = Fixtures.upsert(PATIENT_A, "DocumentReference/n-2", "same text");
        Map<SourceRef, Map<String, float[]>> known = Map.of(new SourceRef(PATIENT_A, "DocumentReference/n-1"),
                Map.of(ChunkSetDecoder.sha256("same text"), new float[] {1f}));

        new VectorPlanner().plan(List.of(set), known, this::fakeModel);

        assertThat(modelCalls).containsExactly("same text");
    }

    @Test
    void equalTextsInABatchRunOnceAndARetryRunsNothing() {
        ChunkSet a = Fixtures.upsert(PATIENT_A, "DocumentReference/n-1", "No known allergies.", "Plan: review.");
        ChunkSet b = Fixtures.upsert(PATIENT_A, "DocumentReference/n-2", "No known allergies.");
        VectorPlanner planner = new VectorPlanner();

        VectorPlanner.Plan first = planner.plan(List.of(a, b), Map.of(), this::fakeModel);
        VectorPlanner.Plan retry = planner.plan(List.of(a, b), Map.of(), this::fakeModel);

        assertThat(modelCalls).containsExactly("No known allergies.", "Plan: review.");
        assertThat(first.embedded()).isEqualTo(2);
        assertThat(retry.embedded()).isZero();
        assertThat(retry.writes()).hasSize(2);
        assertThat(retry.writes().get(1).vectors().get(0)).isSameAs(first.writes().get(0).vectors().get(0));
    }
}
