package org.ehrflow.normalizer.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ehrflow.normalizer.mapping.Fixtures.fhir;
import static org.ehrflow.normalizer.mapping.Fixtures.json;
import static org.ehrflow.normalizer.mapping.Fixtures.mapped;
import static org.ehrflow.normalizer.mapping.Fixtures.one;

import java.util.List;
import java.util.Map;
import org.ehrflow.normalizer.NormalizerConfig;
import org.ehrflow.normalizer.error.ReasonCodes;
import org.ehrflow.normalizer.mapping.fhir.FhirMapper;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.RecordOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FhirMapperTest {

    private static final FhirMapper MAPPER = new FhirMapper(
            NormalizerConfig.defaults(KafkaSettings.of("unused:9092")).patientKeyResolver());
    static final String SYNTHEA = NormalizerConfig.SYNTHEA_MRN_SYSTEM;
    static final String KEY = PatientKey.of(SYNTHEA, "MRN-1");

    // Patient with an MR identifier in the Synthea system; fullUrl urn:uuid
    static final String PATIENT_ENTRY = """
            {"fullUrl":"urn:uuid:pat-1","resource":{"resourceType":"Patient","id":"pat-1",
             "identifier":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},
                            "system":"http://hospital.smarthealthit.org","value":"MRN-1"}],
             "name":[{"family":"Doe","given":["Jane"]}]}}""";

    static String bundle(String type, String... entries) {
        return "{\"resourceType\":\"Bundle\",\"id\":\"b1\",\"type\":\"" + type + "\",\"entry\":[" + String.join(",",
                entries) + "]}";
    }

    @ParameterizedTest
    @ValueSource(strings = {"transaction", "batch", "collection", "searchset"})
    void bundleSplitsToOneRecordPerClinicalResourceAndRewritesReferences(String bundleType) {
        String bundle = bundle(bundleType, PATIENT_ENTRY,
                // Encounter referencing the patient by urn:uuid
                """
                {"fullUrl":"urn:uuid:enc-1","resource":{"resourceType":"Encounter","id":"enc-1","status":"finished",
                 "class":{"code":"AMB"},"subject":{"reference":"urn:uuid:pat-1"}}}""",
                // Observation referencing patient and encounter by urn:uuid, with a version
                """
                {"fullUrl":"urn:uuid:obs-1","resource":{"resourceType":"Observation","id":"obs-1","meta":{"versionId":"3"},
                 "status":"final","code":{"text":"HR"},"subject":{"reference":"urn:uuid:pat-1"},
                 "encounter":{"reference":"urn:uuid:enc-1"},"valueQuantity":{"value":70}}}""",
                // administrative: skipped, not rejected
                """
                {"fullUrl":"urn:uuid:claim-1","resource":{"resourceType":"Claim","id":"claim-1","status":"active"}}""");
        MappingResult r = MAPPER.map("b1", fhir(bundle), LinkLookup.NONE);
        List<FhirRecord> out = mapped(r);

        assertThat(out).extracting(FhirRecord::resourceType).containsExactly("Patient", "Encounter", "Observation");
        assertThat(out).allSatisfy(rec -> assertThat(rec.patientKey()).isEqualTo(KEY));
        assertThat(one(out, "Patient").resourceId()).isEqualTo("p-" + KEY.substring(3)); // Patient id rewritten
        FhirRecord obs = one(out, "Observation");
        assertThat(obs.resourceId()).isEqualTo("obs-1"); // source id kept
        assertThat(obs.versionId()).isEqualTo("3"); // meta.versionId
        assertThat(obs.encounterId()).isEqualTo("enc-1");
        assertThat(obs.provenance().sourceMessageId()).isEqualTo("Observation/obs-1/_history/3");
        assertThat(json(obs).at("/subject/reference").asText()).isEqualTo("Patient/p-" + KEY.substring(3));
        assertThat(json(obs).at("/encounter/reference").asText()).isEqualTo("Encounter/enc-1");
        assertThat(((MappingResult.Mapped) r).skipped()).containsEntry("Claim", 1);
        assertThat(((MappingResult.Mapped) r).learned()).containsEntry(Links.fhirPatient("pat-1"), KEY);
    }

    @Test
    void aDocumentsBinaryInTheSameBundleIsInlinedIntoItsAttachment() {
        // issue 12: the DocumentReference names its content by Binary/<id> and by the Binary's fullUrl; the
        // Binaries travel in the same Bundle, so the document extractor gets the bytes without a fetch.
        String bundle = bundle("collection", PATIENT_ENTRY,
                """
                {"fullUrl":"urn:uuid:doc-1","resource":{"resourceType":"DocumentReference","id":"doc-1",
                 "status":"current","subject":{"reference":"urn:uuid:pat-1"},
                 "content":[{"attachment":{"url":"Binary/bin-1"}},
                            {"attachment":{"contentType":"text/plain","url":"urn:uuid:bin-2"}},
                            {"attachment":{"contentType":"application/pdf","url":"https://elsewhere.example/Binary/x"}}]}}""",
                """
                {"fullUrl":"http://ehr.example/fhir/Binary/bin-1","resource":{"resourceType":"Binary","id":"bin-1",
                 "contentType":"application/hl7-v3+xml","data":"PENsaW5pY2FsRG9jdW1lbnQvPg=="}}""",
                """
                {"fullUrl":"urn:uuid:bin-2","resource":{"resourceType":"Binary","contentType":"text/html",
                 "data":"aGVsbG8="}}""");
        FhirRecord doc = one(mapped(MAPPER.map("b1", fhir(bundle), LinkLookup.NONE)), "DocumentReference");
        var content = json(doc).at("/content");
        assertThat(content.at("/0/attachment/data").asText()).isEqualTo("PENsaW5pY2FsRG9jdW1lbnQvPg==");
        assertThat(content.at("/0/attachment/contentType").asText()).isEqualTo("application/hl7-v3+xml");
        assertThat(content.at("/1/attachment/data").asText()).isEqualTo("aGVsbG8=");
        assertThat(content.at("/1/attachment/contentType").asText()).isEqualTo("text/plain"); // declared kept
        assertThat(content.at("/2/attachment/data").isMissingNode()).isTrue(); // not in the Bundle: fetched later
    }

    @Test
    void deleteEntryAndEnteredInErrorBecomeDeleteRecords() {
        String bundle = bundle("transaction", PATIENT_ENTRY,
                """
                {"request":{"method":"DELETE","url":"Observation/obs-9"}}""",
                """
                {"fullUrl":"urn:uuid:c-1","resource":{"resourceType":"Condition","id":"c-1",
                 "verificationStatus":{"coding":[{"code":"entered-in-error"}]},"subject":{"reference":"urn:uuid:pat-1"}}}""",
                """
                {"fullUrl":"urn:uuid:o-2","resource":{"resourceType":"Observation","id":"o-2","status":"entered-in-error",
                 "code":{"text":"x"},"subject":{"reference":"Patient/pat-1"}}}""");
        List<FhirRecord> out = mapped(MAPPER.map("b1", fhir(bundle), LinkLookup.NONE));

        assertThat(out).filteredOn(r -> r.op() == RecordOp.DELETE)
                .extracting(FhirRecord::reference)
                .containsExactlyInAnyOrder("Observation/obs-9", "Condition/c-1", "Observation/o-2");
        assertThat(out).filteredOn(r -> r.op() == RecordOp.DELETE)
                .allSatisfy(r -> assertThat(r.resourceJson()).isNull());
    }

    @Test
    void loneResourceWaitsForItsPatientThenResolvesThroughTheLearnedLink() {
        String obs = """
                {"resourceType":"Observation","id":"obs-7","status":"final","code":{"text":"HR"},
                 "subject":{"reference":"Patient/pat-1"}}""";
        MappingResult first = MAPPER.map("fhir-patient:pat-1", fhir(obs), LinkLookup.NONE);
        assertThat(first).isEqualTo(new MappingResult.AwaitingLink("fhir-patient:pat-1"));

        List<FhirRecord> out = mapped(MAPPER.map("fhir-patient:pat-1", fhir(obs),
                Fixtures.links(Map.of("fhir-patient:pat-1", KEY))));
        assertThat(out).singleElement().satisfies(r -> {
            assertThat(r.patientKey()).isEqualTo(KEY);
            assertThat(json(r).at("/subject/reference").asText()).isEqualTo("Patient/p-" + KEY.substring(3));
        });
    }

    @Test
    void rejections() {
        assertThat(reject(MAPPER.map("k", fhir("{not json"), LinkLookup.NONE))).isEqualTo(ReasonCodes.FHIR_PARSE_ERROR);
        // a Patient without any identifier cannot be keyed
        assertThat(reject(MAPPER.map("k", fhir("{\"resourceType\":\"Patient\",\"id\":\"x\"}"), LinkLookup.NONE)))
                .isEqualTo(ReasonCodes.FHIR_NO_PATIENT_ID);
        // an Observation about a Group is not patient-scoped
        assertThat(reject(MAPPER.map("k", fhir("{\"resourceType\":\"Observation\",\"status\":\"final\","
                + "\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Group/g\"}}"), LinkLookup.NONE)))
                .isEqualTo(ReasonCodes.FHIR_NO_PATIENT_REFERENCE);
    }

    private static Object reject(MappingResult r) {
        assertThat(r).isInstanceOf(MappingResult.Rejected.class);
        return ((MappingResult.Rejected) r).reasonCode();
    }
}
