package org.ehrflow.normalizer.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ehrflow.normalizer.mapping.Fixtures.fhir;

import java.util.List;
import org.ehrflow.normalizer.error.ReasonCodes;
import org.ehrflow.normalizer.mapping.fhir.FhirMapper;
import org.ehrflow.runtime.identity.IdentifierCandidate;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.PatientKey;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: the Patient identifier shapes of v2-to-FHIR message Bundles. Each test names why the shape was
 * dead-lettered {@code FHIR_NO_PATIENT_ID} before and what the tiers of {@link PatientKeyResolver} make of it now.
 */
class FhirIdentityShapesTest {

    private static final FhirMapper MAPPER = new FhirMapper(PatientKeyResolver.defaults());
    private static final String MR = "{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v2-0203\","
            + "\"code\":\"MR\"}]}";
    private static final String LIS = "http://lis.example.org/fhir";

    /** A message Bundle from {@code LIS} with one Patient and one Observation of it. */
    private static String message(String identifier) {
        return "{\"resourceType\":\"Bundle\",\"id\":\"m1\",\"type\":\"message\",\"entry\":["
                + "{\"fullUrl\":\"urn:uuid:h1\",\"resource\":{\"resourceType\":\"MessageHeader\",\"id\":\"h1\","
                + "\"eventCoding\":{\"code\":\"R01\"},\"source\":{\"endpoint\":\"" + LIS + "\"}}},"
                + "{\"fullUrl\":\"urn:uuid:p1\",\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p1\","
                + "\"identifier\":[" + identifier + "]}},"
                + "{\"fullUrl\":\"urn:uuid:o1\",\"resource\":{\"resourceType\":\"Observation\",\"id\":\"o1\","
                + "\"status\":\"final\",\"code\":{\"text\":\"glucose\"},\"subject\":{\"reference\":\"urn:uuid:p1\"}}}]}";
    }

    private static MappingResult map(String json) {
        return MAPPER.map("fhir-patient:p1", fhir(json), LinkLookup.NONE);
    }

    @Test
    void mrWithoutSystem() {
        // Before: FhirPatients dropped every identifier without a system, so the resolver saw no candidate.
        MappingResult r = map(message("{\"type\":" + MR + ",\"value\":\"4711\"}"));
        // Now: tier 3, scoped to MessageHeader.source.endpoint (mapped like an HL7 assigning authority).
        assertThat(Fixtures.mapped(r)).extracting(FhirRecord::patientKey).containsOnly(
                PatientKey.of(PatientKeyResolver.UNMAPPED_AUTHORITY_PREFIX + LIS, "4711"));
    }

    @Test
    void mrWithoutSystemOutsideAMessageBelongsToTheSenderOfTheRecord() {
        String patient = "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"identifier\":[{\"type\":" + MR
                + ",\"value\":\"4711\"}]}";
        // Fixtures.fhir's provenance names the sender "fhir-publisher" (the gateway: the authenticated client).
        assertThat(Fixtures.mapped(map(patient))).extracting(FhirRecord::patientKey).containsOnly(
                PatientKey.of(PatientKeyResolver.UNMAPPED_AUTHORITY_PREFIX + "fhir-publisher", "4711"));
    }

    @Test
    void nonUriSystemTypedMr() {
        // {system: CRPMRN, type: v2-0203#MR}: tier 1 ("MR with a system") accepted it before issue 13 too, with
        // the system kept verbatim; the key is unchanged.
        MappingResult r = map(message("{\"system\":\"CRPMRN\",\"type\":" + MR + ",\"value\":\"A-1\"}"));
        assertThat(Fixtures.mapped(r)).extracting(FhirRecord::patientKey).containsOnly(PatientKey.of("CRPMRN", "A-1"));
    }

    @Test
    void nonUriSystemTypedOtherThanMr() {
        // {system: CRPMRN, type: v2-0203#PI}: before, neither a key system nor MR -> FHIR_NO_PATIENT_ID.
        MappingResult r = map(message("{\"system\":\"CRPMRN\",\"type\":{\"coding\":[{\"code\":\"PI\"}]},"
                + "\"value\":\"A-1\"}"));
        assertThat(Fixtures.mapped(r)).extracting(FhirRecord::patientKey).containsOnly(PatientKey.of("CRPMRN", "A-1"));
    }

    @Test
    void mrWithoutValueStaysRejectedUnlessAnotherIdentifierApplies() {
        // An identifier without a value names nobody: no tier takes it.
        assertThat(map(message("{\"system\":\"CRPMRN\",\"type\":" + MR + "}")))
                .isEqualTo(MappingResult.Rejected.of(ReasonCodes.FHIR_NO_PATIENT_ID));
        MappingResult r = map(message("{\"system\":\"CRPMRN\",\"type\":" + MR + "},{\"type\":" + MR
                + ",\"value\":\"9\"}"));
        assertThat(Fixtures.mapped(r)).extracting(FhirRecord::patientKey).containsOnly(
                PatientKey.of(PatientKeyResolver.UNMAPPED_AUTHORITY_PREFIX + LIS, "9"));
    }

    @Test
    void keysThatExistedBeforeAreKept() {
        // The enterprise MRN (a key system) wins over a system-less MR listed first: tier 1 is asked first.
        MappingResult r = map(message("{\"type\":" + MR + ",\"value\":\"999\"},{\"system\":\""
                + PatientKeyResolver.DEFAULT_MRN_SYSTEM + "\",\"value\":\"12345\"}"));
        assertThat(Fixtures.mapped(r)).extracting(FhirRecord::patientKey).containsOnly(
                PatientKeyResolver.defaults().patientKey(List.of(new IdentifierCandidate(
                        PatientKeyResolver.DEFAULT_MRN_SYSTEM, null, null, "12345"))).orElseThrow());
    }
}
