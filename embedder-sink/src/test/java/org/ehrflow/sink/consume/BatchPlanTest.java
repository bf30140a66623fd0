package org.ehrflow.sink.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ehrflow.sink.Fixtures.PATIENT_A;
import static org.ehrflow.sink.Fixtures.PATIENT_B;

import java.util.List;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.sink.Fixtures;
import org.ehrflow.sink.store.SourceRef;
import org.junit.jupiter.api.Test;

/** The batch plan is pure: decided from decoded records alone, no PostgreSQL. */
class BatchPlanTest {

    @Test
    void splitsSetsFromResourcesSkipsRejectedAndWritesOnlyTheLatestSetPerSourceAndRun() {
        ChunkSet a1 = Fixtures.upsert(PATIENT_A, "DocumentReference/1", "first");
        ChunkSet a1b = Fixtures.upsert(PATIENT_A, "DocumentReference/1", "second");
        ChunkSet b2 = Fixtures.upsert(PATIENT_B, "DocumentReference/2", "other");
        ChunkSet merge = Fixtures.merge(PATIENT_A, PATIENT_B);
        FhirRecord r = Fixtures.resource(PATIENT_A, "Observation", "o-1", "{\"resourceType\":\"Observation\"}");
        BatchPlan plan = BatchPlan.of(List.of(new Decoded.Accepted(a1), new Decoded.Resource(r),
                new Decoded.Rejected("X", new IllegalStateException()), new Decoded.Accepted(a1b),
                new Decoded.Accepted(merge), new Decoded.Accepted(b2)));

        assertThat(plan.sets()).containsExactly(a1, a1b, merge, b2);
        assertThat(plan.resources()).containsExactly(r);
        assertThat(plan.steps()).hasSize(3);
        assertThat(plan.steps().get(1).merge()).isSameAs(merge);
        assertThat(plan.toWrite()).containsExactly(a1b, b2);
        assertThat(plan.sources()).containsExactly(new SourceRef(PATIENT_A, "DocumentReference/1"),
                new SourceRef(PATIENT_B, "DocumentReference/2"));
    }

    @Test
    void namesThePatientsOfSetsAndResourcesForTheMergeAliasLookup() {
        FhirRecord r = Fixtures.resource(PATIENT_B, "Observation", "o-1", "{\"resourceType\":\"Observation\"}");
        assertThat(BatchPlan.patientKeys(List.of(new Decoded.Accepted(Fixtures.upsert(PATIENT_A, "D/1", "x")),
                new Decoded.Resource(r), new Decoded.Rejected("X", new IllegalStateException()))))
                .containsExactlyInAnyOrder(PATIENT_A, PATIENT_B);
    }

    @Test
    void anEmptyBatchPlansNothing() {
        BatchPlan plan = BatchPlan.of(List.of());
        assertThat(plan.steps()).isEmpty();
        assertThat(plan.toWrite()).isEmpty();
        assertThat(plan.sources()).isEmpty();
    }
}
