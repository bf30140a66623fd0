package org.ehrflow.sink.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ehrflow.sink.Fixtures.PATIENT_A;
import static org.ehrflow.sink.Fixtures.PATIENT_B;

import java.util.List;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.sink.Fixtures;
import org.junit.jupiter.api.Test;

class StepTest {

    @Test
    void aMergeSplitsTheBatchAndLatestSetsWinOnlyWithinARun() {
        ChunkSet a1 = Fixtures.upsert(PATIENT_A, "DocumentReference/1", "first");
        ChunkSet a1b = Fixtures.upsert(PATIENT_A, "DocumentReference/1", "second");
        ChunkSet merge = Fixtures.merge(PATIENT_A, PATIENT_B);
        ChunkSet a1c = Fixtures.upsert(PATIENT_A, "DocumentReference/1", "third"); // the retired key reused later

        List<Step> steps = Step.of(List.of(a1, a1b, merge, a1c));

        assertThat(steps).hasSize(3);
        assertThat(steps.get(0).all()).containsExactly(a1, a1b);
        assertThat(steps.get(0).latest()).containsExactly(a1b);
        assertThat(steps.get(1).merge()).isSameAs(merge);
        assertThat(steps.get(2).latest()).containsExactly(a1c);
    }

    @Test
    void aBatchWithoutMergesIsOneRun() {
        ChunkSet a = Fixtures.upsert(PATIENT_A, "DocumentReference/1", "x");
        ChunkSet b = Fixtures.upsert(PATIENT_B, "DocumentReference/2", "y");
        assertThat(Step.of(List.of(a, b))).singleElement()
                .satisfies(s -> assertThat(s.latest()).containsExactly(a, b));
        assertThat(Step.of(List.of())).isEmpty();
    }
}
