package org.ehrflow.sink.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.ehrflow.schemas.PatientKey;
import org.junit.jupiter.api.Test;

class SearchCliTest {

    @Test
    void derivesThePatientKeyFromAnMrn() {
        SearchCli.Request r = SearchCli.Request.parse("--mrn-system", "urn:x", "--mrn", "42", "--k", "3", "is", "fever",
                "gone?");
        assertThat(r.patientKey()).isEqualTo(PatientKey.of("urn:x", "42"));
        assertThat(r.question()).isEqualTo("is fever gone?");
        assertThat(r.k()).isEqualTo(3);
    }

    @Test
    void acceptsAPatientKeyAndDefaultsK() {
        String key = PatientKey.of("urn:x", "1");
        assertThat(SearchCli.Request.parse("--patient-key", key, "cough")).isEqualTo(
                new SearchCli.Request(key, "cough", 5));
    }

    @Test
    void refusesASearchWithoutAPatientOrQuestion() {
        assertThatThrownBy(() -> SearchCli.Request.parse("cough")).hasMessageContaining("name the patient");
        assertThatThrownBy(() -> SearchCli.Request.parse("--mrn", "1",
                "cough")).hasMessageContaining("name the patient");
        assertThatThrownBy(() -> SearchCli.Request.parse("--patient-key", "pk_nothex", "x"))
                .hasMessageContaining("32 hex");
        assertThatThrownBy(() -> SearchCli.Request.parse("--patient-key", PatientKey.of("s", "v")))
                .hasMessageContaining("question");
        assertThatThrownBy(() -> SearchCli.Request.parse("--patient-key", PatientKey.of("s", "v"), "--k", "0", "x"))
                .hasMessageContaining("--k");
    }
}
