package org.ehrflow.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.ehrflow.runtime.identity.IdentifierCandidate;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.PatientKey;
import org.junit.jupiter.api.Test;

/** The identity tiers (issue 13): the shapes real feeds send, and keys that must not move. */
class IdentityTiersTest {

    private static final String SCOPED = PatientKeyResolver.UNMAPPED_AUTHORITY_PREFIX;
    private final PatientKeyResolver resolver = PatientKeyResolver.defaults();

    private static IdentifierCandidate fhir(String system, String type, String value) {
        return new IdentifierCandidate(system, null, type, value);
    }

    private static IdentifierCandidate cx(String authority, String type, String value) {
        return new IdentifierCandidate(null, authority, type, value);
    }

    @Test
    void fhirMrWithoutSystemBelongsToTheSender() {
        // Patient.identifier: {type: v2-0203#MR, value: 4711}, no system; MessageHeader.source.endpoint = the scope
        assertThat(resolver.patientKey(List.of())).isEmpty();
        assertThat(resolver.fhirPatientKey(List.of(fhir(null, "MR", "4711")), "http://lis.example.org/fhir"))
                .contains(PatientKey.of(SCOPED + "http://lis.example.org/fhir", "4711"));
        // Without any sender scope the identifier names no namespace: no key.
        assertThat(resolver.fhirPatientKey(List.of(fhir(null, "MR", "4711")), null)).isEmpty();
    }

    @Test
    void aSenderMappedInTheAuthorityTableGivesTheEnterpriseKey() {
        // Client "HOSP" is the hospital's own EHR: its system-less MRNs are the enterprise MRNs.
        assertThat(resolver.fhirPatientKey(List.of(fhir(null, "MR", "12345")), "HOSP"))
                .contains(PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "12345"));
    }

    @Test
    void fhirNonUriSystemKeepsTheKeyItAlwaysHad() {
        // {system: "CRPMRN", type MR}: tier 1 took it before issue 13, verbatim; it still does.
        List<IdentifierCandidate> ids = List.of(fhir("CRPMRN", "MR", "A-1"));
        assertThat(resolver.patientKey(ids)).contains(PatientKey.of("CRPMRN", "A-1"));
        assertThat(resolver.fhirPatientKey(ids, "client")).isEqualTo(resolver.patientKey(ids));
        // Typed other than MR (here PI), it used to find nothing; now the fallback tier takes it.
        List<IdentifierCandidate> pi = List.of(fhir("CRPMRN", "PI", "A-1"));
        assertThat(resolver.patientKey(pi)).isEmpty();
        assertThat(resolver.fhirPatientKey(pi, "client")).contains(PatientKey.of("CRPMRN", "A-1"));
    }

    @Test
    void anIdentifierWithoutValueNeverQualifies() {
        assertThat(resolver.fhirPatientKey(List.of(fhir("CRPMRN", "MR", null)), "client")).isEmpty();
        // ... but another identifier of the same Patient still can.
        assertThat(resolver.fhirPatientKey(List.of(fhir("CRPMRN", "MR", null), fhir(null, "MR", "7")), "client"))
                .contains(PatientKey.of(SCOPED + "client", "7"));
    }

    @Test
    void fhirKeysThatExistedDoNotMove() {
        // A system-less MR listed before the enterprise MRN must not take over: tier 1 is asked first.
        List<IdentifierCandidate> ids = List.of(fhir(null, "MR", "999"),
                fhir(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "MR", "12345"));
        assertThat(resolver.fhirPatientKey(ids, "HOSP"))
                .contains(PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "12345"))
                .isEqualTo(resolver.patientKey(ids.subList(1, 2)));
    }

    @Test
    void hl7EpicPatientOnlyInPid2AndPid4() {
        // PID-2: E100^^^EPIC^EPI, PID-3 empty, PID-4: E200^^^EPIC^EPI. Before: PID-2 read, EPI not a patient type.
        List<IdentifierCandidate> pid2 = List.of(cx("EPIC", "EPI", "E100"));
        List<IdentifierCandidate> pid4 = List.of(cx("EPIC", "EPI", "E200"));
        assertThat(resolver.hl7PatientKey(pid2)).isEmpty();
        assertThat(resolver.hl7PatientKey(pid2, pid4)).contains(PatientKey.of(SCOPED + "EPIC", "E100"));
        // Only in PID-4: PID-3 names a non-patient id (SS).
        assertThat(resolver.hl7PatientKey(List.of(cx("SSA", "SS", "1")), pid4))
                .contains(PatientKey.of(SCOPED + "EPIC", "E200"));
    }

    @Test
    void hl7EuropeanAdtWithPkAndCfButNoMr() {
        // PID-3: 00123^^^KIS^PK ~ RSSMRA80A01H501U^^^MEF^CF: neither a patient-id type before issue 13.
        List<IdentifierCandidate> pid3 = List.of(cx("MEF", "CF", "RSSMRA80A01H501U"), cx("KIS", "PK", "00123"));
        assertThat(resolver.hl7PatientKey(pid3)).isEmpty();
        // PK ranks above CF whatever the repetition order.
        assertThat(resolver.hl7PatientKey(pid3, List.of())).contains(PatientKey.of(SCOPED + "KIS", "00123"));
    }

    @Test
    void hl7KeysThatExistedDoNotMove() {
        // EPI first, then PI: PI qualified before issue 13 and still wins.
        List<IdentifierCandidate> pid3 = List.of(cx("EPIC", "EPI", "E1"), cx("LAB", "PI", "P1"));
        assertThat(resolver.hl7PatientKey(pid3, List.of(cx("X", "MR", "M1"))))
                .isEqualTo(resolver.hl7PatientKey(pid3))
                .contains(PatientKey.of(SCOPED + "LAB", "P1"));
    }

    @Test
    void fallbackTypesAreConfigurable() {
        PatientKeyResolver r = PatientKeyResolver.parse("", "", "CF");
        assertThat(r.fallbackTypes()).containsExactly("CF");
        assertThat(r.hl7PatientKey(List.of(cx("KIS", "PK", "1")), List.of())).isEmpty();
        assertThat(PatientKeyResolver.parse("", "", null).fallbackTypes())
                .isEqualTo(PatientKeyResolver.DEFAULT_FALLBACK_TYPES);
    }
}
