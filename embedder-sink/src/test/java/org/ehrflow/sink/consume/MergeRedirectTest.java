package org.ehrflow.sink.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.sink.Fixtures;
import org.junit.jupiter.api.Test;

class MergeRedirectTest {

    private static final String A = "pk_a";
    private static final String B = "pk_b";
    private static final String C = "pk_c";

    @Test
    void storedAliasesAndMergesEarlierInTheBatchSendLateFactsToTheSurvivor() {
        List<Decoded> out = new MergeRedirect(Map.of(A, B)).apply(List.of(
                new Decoded.Accepted(Fixtures.upsert(A, "Observation/a-1", "late fact of A")),
                new Decoded.Resource(Fixtures.resource(A, "Observation", "a-1", "{}")),
                new Decoded.Accepted(Fixtures.merge(B, C)), // B (and what it absorbed: A) now lives under C
                new Decoded.Accepted(Fixtures.upsert(A, "Observation/a-2", "later fact of A")),
                new Decoded.Accepted(Fixtures.upsert(B, "Observation/b-1", "late fact of B")),
                new Decoded.Rejected("X", null)));
        assertThat(((Decoded.Accepted) out.get(0)).set().patientKey()).isEqualTo(B);
        assertThat(((Decoded.Resource) out.get(1)).record().patientKey()).isEqualTo(B);
        ChunkSet merge = ((Decoded.Accepted) out.get(2)).set();
        assertThat(merge.patientKey()).isEqualTo(B);
        assertThat(merge.targetPatientKey()).isEqualTo(C);
        assertThat(((Decoded.Accepted) out.get(3)).set().patientKey()).isEqualTo(C);
        assertThat(((Decoded.Accepted) out.get(4)).set().patientKey()).isEqualTo(C);
        assertThat(out.get(5)).isInstanceOf(Decoded.Rejected.class);
    }

    @Test
    void theSecondTopicsMergeOfAnAlreadyAliasedPatientStillMovesItsOwnRows() {
        // The chunk topic's MERGE A -> B recorded the alias; the normalised topic's MERGE A -> B must stay A -> B.
        FhirRecord merge = ((Decoded.Resource) new MergeRedirect(Map.of(A, B)).apply(List.of(
                new Decoded.Resource(Fixtures.resourceMerge(A, B)))).get(0)).record();
        assertThat(merge.patientKey()).isEqualTo(A);
        assertThat(merge.targetPatientKey()).isEqualTo(B);
    }

    @Test
    void aMergeIntoARetiredKeyTargetsItsSurvivorAndUnmergedRecordsAreUntouched() {
        Decoded plain = new Decoded.Accepted(Fixtures.upsert(C, "Observation/c-1", "fact of C"));
        List<Decoded> out = new MergeRedirect(Map.of(B, C)).apply(List.of(
                new Decoded.Resource(Fixtures.resourceMerge(A, B)), plain));
        FhirRecord merge = ((Decoded.Resource) out.get(0)).record();
        assertThat(merge.patientKey()).isEqualTo(A);
        assertThat(merge.targetPatientKey()).isEqualTo(C);
        assertThat(out.get(1)).isSameAs(plain);
    }
}
