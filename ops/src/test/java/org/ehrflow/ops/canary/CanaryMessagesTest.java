package org.ehrflow.ops.canary;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.Json;
import org.ehrflow.schemas.PatientKey;
import org.junit.jupiter.api.Test;

class CanaryMessagesTest {

    private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");

    @Test
    void everySourceNamesTheCanarysOwnPatientKey() {
        assertThat(CanaryMessages.PATIENT_KEY)
                .isEqualTo(PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, CanaryMessages.MRN));
        assertThat(CanaryMessages.hl7(1, AT)).contains("PID|1||" + CanaryMessages.MRN + "^^^HOSP^MR");
        assertThat(CanaryMessages.fhir(1, AT)).contains(PatientKeyResolver.DEFAULT_MRN_SYSTEM)
                .contains(CanaryMessages.MRN).contains("Patient/" + CanaryMessages.FHIR_PATIENT_ID);
    }

    @Test
    void hl7CarriesTheControlIdAndSegmentsEndInCarriageReturns() {
        String m = CanaryMessages.hl7(1_700_000_000_000L, AT);
        assertThat(m.split("\r")[0].split("\\|")[9]).isEqualTo("CANARY-1700000000000");
        assertThat(m).startsWith("MSH|^~\\&|").doesNotContain("\n").contains("MDM^T02");
    }

    @Test
    void fhirIsAValidBundleWhoseDocumentVersionIsTheSequence() throws Exception {
        var root = Json.MAPPER.readTree(CanaryMessages.fhir(42, AT));
        assertThat(root.path("resourceType").asText()).isEqualTo("Bundle");
        var doc = root.path("entry").get(1).path("resource");
        assertThat(doc.path("meta").path("versionId").asText()).isEqualTo("42");
        assertThat(CanaryMessages.fhirMessageId(42)).isEqualTo("DocumentReference/ehrflow-canary-note/_history/42");
    }
}
