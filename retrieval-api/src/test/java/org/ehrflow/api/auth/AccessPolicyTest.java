package org.ehrflow.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {

    private static final String A = "pk_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private static final String B = "pk_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    private static Caller caller(Set<String> scopes, String patient, List<String> patients) {
        return new Caller("c", "u", scopes, patient, patients);
    }

    @Test
    void patientScopeReadsOnlyItsPatient() {
        AccessPolicy p = new AccessPolicy(UserRule.CLAIM);
        Caller c = caller(Set.of(Scopes.PATIENT_READ), A, List.of());
        assertThat(p.decide(c, A)).contains(TextLevel.RAW);
        assertThat(p.decide(c, B)).isEmpty();
    }

    @Test
    void userScopeFollowsTheRule() {
        Caller c = caller(Set.of(Scopes.USER_READ), null, List.of(A));
        assertThat(new AccessPolicy(UserRule.CLAIM).decide(c, A)).contains(TextLevel.RAW);
        assertThat(new AccessPolicy(UserRule.CLAIM).decide(c, B)).isEmpty();
        assertThat(new AccessPolicy(UserRule.ALL).decide(c, B)).contains(TextLevel.RAW);
        assertThat(new AccessPolicy(UserRule.NONE).decide(c, A)).isEmpty();
    }

    @Test
    void deidScopeNeverYieldsRaw() {
        AccessPolicy p = new AccessPolicy(UserRule.ALL);
        assertThat(p.decide(caller(Set.of(Scopes.USER_DEID), null, List.of()), A)).contains(TextLevel.DEIDENTIFIED);
        assertThat(p.decide(caller(Set.of(Scopes.PATIENT_DEID), A, List.of()), A))
                .isEqualTo(Optional.of(TextLevel.DEIDENTIFIED));
        // a patient-level read for A does not widen a de-identified grant for B into raw text
        assertThat(p.decide(caller(Set.of(Scopes.PATIENT_READ, Scopes.USER_DEID), A, List.of()), B))
                .contains(TextLevel.DEIDENTIFIED);
        assertThat(AccessPolicy.hasAnyScope(caller(Set.of("openid"), A, List.of()))).isFalse();
    }
}
