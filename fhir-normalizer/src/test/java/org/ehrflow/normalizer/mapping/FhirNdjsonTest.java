package org.ehrflow.normalizer.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ehrflow.normalizer.mapping.Fixtures.fhir;
import static org.ehrflow.normalizer.mapping.Fixtures.mapped;

import java.util.List;
import org.ehrflow.normalizer.NormalizerConfig;
import org.ehrflow.normalizer.error.ReasonCodes;
import org.ehrflow.normalizer.mapping.fhir.FhirMapper;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.PatientKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** NDJSON (bulk export) payloads on the raw FHIR topic: detected, split per line, bad lines dead-lettered. */
class FhirNdjsonTest {

    private static final FhirMapper MAPPER = new FhirMapper(
            NormalizerConfig.defaults(KafkaSettings.of("unused:9092")).patientKeyResolver());
    private static final String KEY = PatientKey.of(NormalizerConfig.SYNTHEA_MRN_SYSTEM, "MRN-1");

    // line 1: Patient keyed by its Synthea MRN; lines 2-3: Conditions about it by Patient/<id>
    private static final String PATIENT = "{\"resourceType\":\"Patient\",\"id\":\"pat-1\",\"identifier\":[{\"system\":"
            + "\"http://hospital.smarthealthit.org\",\"value\":\"MRN-1\"}]}";
    private static final String CONDITION = "{\"resourceType\":\"Condition\",\"id\":\"c-%d\",\"code\":{\"text\":\"Asthma\"},"
            + "\"subject\":{\"reference\":\"Patient/pat-1\"}}";

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r\n", "\n\n"}) // LF, CRLF, blank lines between
    void eachLineIsAResource(String separator) {
        String ndjson = String.join(separator, PATIENT, CONDITION.formatted(1), CONDITION.formatted(2)) + separator;

        List<FhirRecord> out = mapped(MAPPER.map("k", fhir(ndjson), LinkLookup.NONE));

        assertThat(out).extracting(FhirRecord::reference).containsExactly("Patient/p-" + KEY.substring(3),
                "Condition/c-1", "Condition/c-2");
        assertThat(out).allSatisfy(r -> assertThat(r.patientKey()).isEqualTo(KEY));
    }

    @Test
    void prettyPrintedJsonIsNotNdjson() {
        String pretty = "{\n  \"resourceType\": \"Patient\",\n  \"id\": \"pat-1\",\n  \"identifier\": [{\"system\":"
                + " \"http://hospital.smarthealthit.org\", \"value\": \"MRN-1\"}]\n}";

        assertThat(mapped(MAPPER.map("k", fhir(pretty), LinkLookup.NONE))).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"resourceType\":\"NoSuchType\",\"id\":\"x\"}", "{\"id\":\"no-type\"}", "{not json}"})
    void anInvalidLineDeadLettersTheRecordWithAReason(String bad) {
        String ndjson = String.join("\n", PATIENT, bad, CONDITION.formatted(1));

        MappingResult r = MAPPER.map("k", fhir(ndjson), LinkLookup.NONE);

        assertThat(r).isInstanceOfSatisfying(MappingResult.Rejected.class,
                rej -> assertThat(rej.reasonCode()).isEqualTo(ReasonCodes.FHIR_INVALID_RESOURCE));
    }
}
