package org.ehrflow.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.ehrflow.runtime.identity.IdentifierCandidate;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.PatientKey;
import org.junit.jupiter.api.Test;

class PatientKeyResolverTest {

    private final PatientKeyResolver resolver = PatientKeyResolver.defaults();

    @Test
    void hl7FhirAndCdcIdentifiersOfOnePatientGiveOneKey() {
        // PID-3: 12345^^^HOSP^MR plus an SSN repetition listed first
        String hl7 = resolver.patientKey(List.of(new IdentifierCandidate(null, "SSA", "SS", "999-99-9999"),
                new IdentifierCandidate(null, "HOSP", "MR", "12345"))).orElseThrow();
        // FHIR Patient.identifier {system: MRN system, value: 12345}
        String fhir = resolver.patientKey(List.of(
                new IdentifierCandidate(PatientKeyResolver.DEFAULT_MRN_SYSTEM, null, "MR", "12345"))).orElseThrow();
        // CDC row patients.mrn = 12345 (capture config names the column's system)
        String cdc = resolver.patientKey(List.of(
                new IdentifierCandidate(PatientKeyResolver.DEFAULT_MRN_SYSTEM, null, null, "12345"))).orElseThrow();
        assertThat(hl7).isEqualTo(fhir).isEqualTo(cdc)
                .isEqualTo(PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "12345"));
    }

    @Test
    void unmappedAuthorityStillKeysAnMrnButInItsOwnNamespace() {
        String k = resolver.patientKey(List.of(new IdentifierCandidate(null, "OTHERHOSP", "MR", "12345")))
                .orElseThrow();
        assertThat(k).isEqualTo(PatientKey.of("urn:ehrflow:hl7-authority:OTHERHOSP", "12345"));
    }

    @Test
    void noQualifyingIdentifierGivesNoKey() {
        assertThat(resolver.patientKey(List.of(new IdentifierCandidate(null, null, "SS", "1")))).isEmpty();
        assertThat(resolver.patientKey(List.of())).isEmpty();
    }

    @Test
    void hl7FallbackTakesTheFirstUntypedOrPatientIdTypedIdentifier() {
        // PID-3: 555-44-3333^^^SSA^SS ~ 4711^^^LAB (untyped; authority from CX-4 or, if absent, MSH-4)
        List<IdentifierCandidate> pid3 = List.of(new IdentifierCandidate(null, "SSA", "SS", "555-44-3333"),
                new IdentifierCandidate(null, "LAB", null, "4711"));
        assertThat(resolver.patientKey(pid3)).isEmpty();
        assertThat(resolver.hl7PatientKey(pid3)).contains(PatientKey.of("urn:ehrflow:hl7-authority:LAB", "4711"));
        // A configured key system still wins over the fallback.
        assertThat(resolver.hl7PatientKey(List.of(new IdentifierCandidate(null, "LAB", null, "4711"),
                new IdentifierCandidate(null, "HOSP", "MR", "12345"))))
                .contains(PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "12345"));
    }

    @Test
    void parsesTheConfigurationForm() {
        PatientKeyResolver r = PatientKeyResolver.parse("A=http://a/mrn, B=http://b/mrn", "http://b/mrn");
        assertThat(r.systemForAuthority("A")).isEqualTo("http://a/mrn");
        assertThat(r.patientKey(List.of(new IdentifierCandidate(null, "A", "MR", "1"),
                new IdentifierCandidate(null, "B", "MR", "2")))).contains(PatientKey.of("http://b/mrn", "2"));
    }
}
