package org.ehrflow.normalizer.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ehrflow.normalizer.mapping.Fixtures.mapped;
import static org.ehrflow.normalizer.mapping.Fixtures.one;

import java.util.List;
import java.util.Map;
import org.ehrflow.normalizer.NormalizerConfig;
import org.ehrflow.normalizer.mapping.cdc.CdcMapper;
import org.ehrflow.normalizer.mapping.fhir.FhirMapper;
import org.ehrflow.normalizer.mapping.hl7.Hl7v2Mapper;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.Test;

/** Determinism (same input, same bytes) and convergence (one MRN / one visit through every ingress, one id). */
class CrossSourceTest {

    static final NormalizerConfig CONFIG = NormalizerConfig.defaults(KafkaSettings.of("unused:9092"));
    static final PatientKeyResolver RESOLVER = CONFIG.patientKeyResolver();
    static final Hl7v2Mapper HL7 = new Hl7v2Mapper(RESOLVER, CONFIG.hl7DefaultZone());
    static final FhirMapper FHIR = new FhirMapper(RESOLVER);
    static final CdcMapper CDC = new CdcMapper(RESOLVER, CONFIG.cdcMrnSystem(), CONFIG.cdcVisitAuthority());

    // PID.3 12345 of HOSP; PV1.19 visit V100 of HOSP; OBR.3 filler number; two OBX
    static final String ORU = Fixtures.er7(
            "MSH|^~\\&|LAB|HOSP|EHR|HOSP|20240102030405||ORU^R01|MSG-9|P|2.5.1",
            "PID|1||12345^^^HOSP^MR||Doe^Jane",
            "PV1|1|E|||||||||||||||||V100^^^HOSP",
            "OBR|1||F-1^LAB|GLU^Glucose^L|||20240102020000",
            "OBX|1|NM|GLU^Glucose^L||5.4|mmol/L|||||F",
            "OBX|2|ST|CMT^Comment^L||fasting|||||F");

    @Test
    void sameInputTwiceGivesByteIdenticalRecords() {
        List<byte[]> first = serialize(mapped(HL7.map("k", Fixtures.hl7(ORU), LinkLookup.NONE)));
        List<byte[]> second = serialize(mapped(HL7.map("k", Fixtures.hl7(ORU), LinkLookup.NONE)));
        assertThat(second).hasSameSizeAs(first);
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i)).isEqualTo(first.get(i));
        }
        String bundle = FhirMapperTest.bundle("collection", FhirMapperTest.PATIENT_ENTRY);
        assertThat(serialize(mapped(FHIR.map("b", Fixtures.fhir(bundle), LinkLookup.NONE))).get(0))
                .isEqualTo(serialize(mapped(FHIR.map("b", Fixtures.fhir(bundle), LinkLookup.NONE))).get(0));
        String cdc = CdcMapperTest.envelope("c", "patients", CdcMapperTest.PATIENT_ROW);
        assertThat(serialize(mapped(CDC.map("k", Fixtures.cdc(cdc), LinkLookup.NONE))).get(0))
                .isEqualTo(serialize(mapped(CDC.map("k", Fixtures.cdc(cdc), LinkLookup.NONE))).get(0));
    }

    @Test
    void oneMrnThroughHl7FhirAndCdcGivesOnePatientKeyAndPatientId() {
        FhirRecord viaHl7 = one(mapped(HL7.map("k", Fixtures.hl7(ORU), LinkLookup.NONE)), "Patient");
        // FHIR identifier in the MRN system HOSP maps to
        String fhirPatient = """
                {"resourceType":"Patient","id":"src-1",
                 "identifier":[{"system":"http://hospital.example.org/mrn","value":"12345"}]}""";
        FhirRecord viaFhir = one(mapped(FHIR.map("fhir-patient:src-1", Fixtures.fhir(fhirPatient), LinkLookup.NONE)),
                "Patient");
        FhirRecord viaCdc = one(mapped(CDC.map("ehr-patient:7",
                Fixtures.cdc(CdcMapperTest.envelope("c", "patients", CdcMapperTest.PATIENT_ROW)), LinkLookup.NONE)),
                "Patient");

        assertThat(List.of(viaFhir.patientKey(), viaCdc.patientKey())).containsOnly(viaHl7.patientKey());
        assertThat(List.of(viaFhir.resourceId(), viaCdc.resourceId())).containsOnly(viaHl7.resourceId());
    }

    @Test
    void oneVisitNumberThroughHl7AndCdcGivesOneEncounterId() {
        FhirRecord viaHl7 = one(mapped(HL7.map("k", Fixtures.hl7(ORU), LinkLookup.NONE)), "Encounter");
        FhirRecord viaCdc = one(mapped(CDC.map("ehr-patient:7",
                Fixtures.cdc(CdcMapperTest.envelope("c", "encounters", CdcMapperTest.ENCOUNTER_ROW)),
                Fixtures.links(Map.of("ehr-patient:7", viaHl7.patientKey())))), "Encounter");
        assertThat(viaCdc.resourceId()).isEqualTo(viaHl7.resourceId());
        assertThat(viaCdc.patientKey()).isEqualTo(viaHl7.patientKey());
    }

    private static List<byte[]> serialize(List<FhirRecord> records) {
        return records.stream().map(r -> Topics.FHIR_RESOURCES.valueSerde().serializer().serialize("t", r)).toList();
    }
}
