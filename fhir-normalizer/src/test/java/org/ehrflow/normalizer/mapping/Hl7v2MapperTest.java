package org.ehrflow.normalizer.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ehrflow.normalizer.mapping.Fixtures.er7;
import static org.ehrflow.normalizer.mapping.Fixtures.hl7;
import static org.ehrflow.normalizer.mapping.Fixtures.json;
import static org.ehrflow.normalizer.mapping.Fixtures.mapped;
import static org.ehrflow.normalizer.mapping.Fixtures.one;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.ehrflow.normalizer.error.ReasonCodes;
import org.ehrflow.normalizer.mapping.hl7.Hl7v2Mapper;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.PatientKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class Hl7v2MapperTest {

    private static final Hl7v2Mapper MAPPER = new Hl7v2Mapper(PatientKeyResolver.defaults(), ZoneOffset.UTC);
    private static final String MRN_KEY = PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "12345");

    // MSH.9 type, MSH.10 control id, MSH.7 time, MSH.12 version
    private static String msh(String type, String version) {
        return "MSH|^~\\&|LAB|HOSP|EHR|HOSP|20240102030405+0100||" + type + "|MSG0001|P|" + version;
    }

    // PID.3 two repetitions: MRN of HOSP (typed MR) and a national id; PID.5 name; PID.7 birth; PID.8 sex
    private static final String PID = "PID|1||12345^^^HOSP^MR~999-99-9999^^^SSA^SS||Doe^Jane^Q^Jr^Dr^^L||19800215|F"
            + "|||1 Main St^Apt 2^Springfield^IL^62701^USA||555-0100|555-0200";
    // PV1.2 class I, PV1.7 attending, PV1.19 visit number V100 of HOSP, PV1.44 admit time
    private static final String PV1 = "PV1|1|I|W1^R1^B1||||1001^House^Gregory||||||||||||V100^^^HOSP|||||||||||||||||||||||||"
            + "20240101080000+0100";

    static Stream<Arguments> adtVariants() {
        return Stream.of(
                Arguments.of("ADT^A01^ADT_A01", "2.5.1"),
                Arguments.of("ADT^A04", "2.3"),
                Arguments.of("ADT^A08^ADT_A01", "2.8"),
                Arguments.of("ADT^A01", "2.6"));
    }

    @ParameterizedTest
    @MethodSource("adtVariants")
    void adtMapsPatientAndEncounter(String type, String version) {
        List<FhirRecord> out = mapped(MAPPER.map("k", hl7(er7(msh(type, version), "EVN|A01|20240102030405", PID, PV1)),
                LinkLookup.NONE));

        assertThat(out).extracting(FhirRecord::resourceType).containsExactly("Patient", "Encounter");
        FhirRecord patient = one(out, "Patient");
        assertThat(patient.patientKey()).isEqualTo(MRN_KEY); // PID.3 rep 1 (HOSP -> MRN system)
        assertThat(patient.resourceId()).isEqualTo("p-" + MRN_KEY.substring(3));
        assertThat(patient.versionId()).isEqualTo("MSG0001"); // MSH.10
        assertThat(patient.provenance().eventTime()).isEqualTo(Instant.parse("2024-01-02T02:04:05Z")); // MSH.7
        JsonNode p = json(patient);
        assertThat(p.at("/identifier/0/system").asText()).isEqualTo(PatientKeyResolver.DEFAULT_MRN_SYSTEM); // PID.3.4
        assertThat(p.at("/identifier/0/value").asText()).isEqualTo("12345"); // PID.3.1
        assertThat(p.at("/identifier/0/type/coding/0/code").asText()).isEqualTo("MR"); // PID.3.5
        assertThat(p.at("/identifier/1/system").asText()).isEqualTo("urn:ehrflow:hl7-authority:SSA"); // PID.3(2).4
        assertThat(p.at("/name/0/family").asText()).isEqualTo("Doe"); // PID.5.1
        assertThat(p.at("/name/0/given/0").asText()).isEqualTo("Jane"); // PID.5.2
        assertThat(p.at("/name/0/given/1").asText()).isEqualTo("Q"); // PID.5.3
        assertThat(p.at("/name/0/suffix/0").asText()).isEqualTo("Jr"); // PID.5.4
        assertThat(p.at("/name/0/prefix/0").asText()).isEqualTo("Dr"); // PID.5.5
        assertThat(p.at("/name/0/use").asText()).isEqualTo("official"); // PID.5.7
        assertThat(p.at("/birthDate").asText()).isEqualTo("1980-02-15"); // PID.7
        assertThat(p.at("/gender").asText()).isEqualTo("female"); // PID.8
        assertThat(p.at("/address/0/city").asText()).isEqualTo("Springfield"); // PID.11.3
        assertThat(p.at("/telecom/0/value").asText()).isEqualTo("555-0100"); // PID.13
        assertThat(p.at("/telecom/1/use").asText()).isEqualTo("work"); // PID.14

        FhirRecord enc = one(out, "Encounter");
        assertThat(enc.resourceId()).isEqualTo(Ids.encounter(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "V100")); // PV1.19
        assertThat(enc.encounterId()).isEqualTo(enc.resourceId());
        JsonNode e = json(enc);
        assertThat(e.at("/class/code").asText()).isEqualTo("IMP"); // PV1.2
        assertThat(e.at("/status").asText()).isEqualTo("in-progress"); // no PV1.45
        assertThat(e.at("/period/start").asText()).isEqualTo("2024-01-01T08:00:00+01:00"); // PV1.44
        assertThat(e.at("/participant/0/individual/display").asText()).isEqualTo("Gregory House"); // PV1.7
        assertThat(e.at("/subject/reference").asText()).isEqualTo("Patient/" + patient.resourceId());
    }

    /** Pre-normalisation: BOM, LF, CRLF and the doubled-backslash MSH-2 quirk all parse to the same records. */
    @ParameterizedTest
    @ValueSource(strings = {"CR", "LF", "CRLF", "BOM+LF", "MSH2-QUIRK"})
    void terminatorsAndQuirksGiveIdenticalRecords(String variant) {
        String base = er7(msh("ADT^A01", "2.5.1"), PID, PV1);
        String text = switch (variant) {
            case "LF" -> base.replace("\r", "\n") + "\n";
            case "CRLF" -> base.replace("\r", "\r\n");
            case "BOM+LF" -> "\uFEFF" + base.replace("\r", "\n");
            case "MSH2-QUIRK" -> base.replace("MSH|^~\\&|", "MSH|^~\\\\&|");
            default -> base;
        };
        assertThat(mapped(MAPPER.map("k", hl7(text), LinkLookup.NONE)))
                .isEqualTo(mapped(MAPPER.map("k", hl7(base), LinkLookup.NONE)));
    }

    @Test
    void oruMapsReportAndObservationPerValueType() {
        String msg = er7(msh("ORU^R01^ORU_R01", "2.5.1"), PID, PV1,
                // OBR.2 placer, OBR.3 filler FIL-1 of LAB, OBR.4 code, OBR.7 time, OBR.25 status F
                "OBR|1|PLA-1^EHR|FIL-1^LAB|24331-1^Lipid panel^LN|||20240102010000+0100||||||||||||||||||F",
                // OBX.2 NM, OBX.3 LOINC, OBX.5 value, OBX.6 UCUM unit, OBX.7 range, OBX.8 flag H, OBX.11 F
                "OBX|1|NM|2093-3^Cholesterol^LN||250|mg/dL^mg/dL^UCUM|100-200|H|||F",
                // OBX.2 ST with preliminary status
                "OBX|2|ST|8251-1^Comment^LN||fasting sample||||||P",
                // OBX.2 TX with two repetitions -> joined with newline
                "OBX|3|TX|11526-1^Note^LN||line one~line two||||||F",
                // OBX.2 CWE coded value
                "OBX|4|CWE|883-9^ABO group^LN||A^Group A^SCT||||||F",
                // OBX.2 SN comparator form "<^5"
                "OBX|5|SN|1554-5^Glucose^LN||<^5|mmol/L^mmol/L^UCUM|||||F",
                // OBX.2 SN range form "^1^-^3"
                "OBX|6|SN|5000-0^Titer^LN||^1^-^3||||||C");
        List<FhirRecord> out = mapped(MAPPER.map("k", hl7(msg), LinkLookup.NONE));

        assertThat(out).extracting(FhirRecord::resourceType).containsExactly("Patient", "Encounter",
                "Observation", "Observation", "Observation", "Observation", "Observation", "Observation",
                "DiagnosticReport");
        String orderKey = "filler|LAB|FIL-1";
        FhirRecord report = one(out, "DiagnosticReport");
        assertThat(report.resourceId()).isEqualTo(Ids.diagnosticReport(orderKey)); // OBR.3
        JsonNode dr = json(report);
        assertThat(dr.at("/status").asText()).isEqualTo("final"); // OBR.25
        assertThat(dr.at("/code/coding/0/system").asText()).isEqualTo("http://loinc.org"); // OBR.4.3
        assertThat(dr.at("/result")).hasSize(6);
        assertThat(dr.at("/encounter/reference").asText()).startsWith("Encounter/enc-");

        List<JsonNode> obs = out.stream().filter(r
                -> r.resourceType().equals("Observation")).map(Fixtures::json).toList();
        assertThat(out.get(2).resourceId()).isEqualTo(Ids.observation(orderKey, 1)); // OBX position 1 under OBR
        assertThat(obs.get(0).at("/valueQuantity/value").decimalValue()).isEqualByComparingTo("250"); // OBX.5 NM
        assertThat(obs.get(0).at("/valueQuantity/code").asText()).isEqualTo("mg/dL"); // OBX.6.1
        assertThat(obs.get(0).at("/valueQuantity/system").asText()).isEqualTo("http://unitsofmeasure.org"); // OBX.6.3
        assertThat(obs.get(0).at("/referenceRange/0/low/value").asInt()).isEqualTo(100); // OBX.7
        assertThat(obs.get(0).at("/referenceRange/0/high/value").asInt()).isEqualTo(200); // OBX.7
        assertThat(obs.get(0).at("/interpretation/0/coding/0/code").asText()).isEqualTo("H"); // OBX.8
        assertThat(obs.get(0).at("/status").asText()).isEqualTo("final"); // OBX.11
        assertThat(obs.get(0).at("/effectiveDateTime").asText()).isEqualTo("2024-01-02T01:00:00+01:00"); // OBR.7
        assertThat(obs.get(1).at("/valueString").asText()).isEqualTo("fasting sample"); // OBX.5 ST
        assertThat(obs.get(1).at("/status").asText()).isEqualTo("preliminary"); // OBX.11 P
        assertThat(obs.get(2).at("/valueString").asText()).isEqualTo("line one\nline two"); // OBX.5 TX reps
        assertThat(obs.get(3).at("/valueCodeableConcept/coding/0/system").asText())
                .isEqualTo("http://snomed.info/sct"); // OBX.5.3 CWE
        assertThat(obs.get(3).at("/valueCodeableConcept/coding/0/code").asText()).isEqualTo("A"); // OBX.5.1
        assertThat(obs.get(4).at("/valueQuantity/comparator").asText()).isEqualTo("<"); // SN.1
        assertThat(obs.get(4).at("/valueQuantity/value").asInt()).isEqualTo(5); // SN.2
        assertThat(obs.get(5).at("/valueRange/low/value").asInt()).isEqualTo(1); // SN.2
        assertThat(obs.get(5).at("/valueRange/high/value").asInt()).isEqualTo(3); // SN.4
        assertThat(obs.get(5).at("/status").asText()).isEqualTo("corrected"); // OBX.11 C
    }

    @Test
    void mdmMapsDocumentReferenceWithTextContent() {
        String msg = er7(msh("MDM^T02^MDM_T02", "2.5.1"), "EVN|T02|20240102030405", PID, PV1,
                // TXA.2 type DS, TXA.4 activity time, TXA.6 origination, TXA.12 unique document number, TXA.17 AU,
                // TXA.19 AV
                "TXA|1|DS|TX|20240102010000+0100||20240102020000+0100||||||DOC-77^EHR|||||AU||AV",
                "OBX|1|TX|note^Note^L||Patient discharged home.||||||F", // OBX.5 line 1
                "OBX|2|TX|note^Note^L||Follow up in 2 weeks.||||||F"); // OBX.5 line 2
        List<FhirRecord> out = mapped(MAPPER.map("k", hl7(msg), LinkLookup.NONE));

        assertThat(out).extracting(FhirRecord::resourceType).containsExactly("Patient", "Encounter",
                "DocumentReference");
        FhirRecord doc = one(out, "DocumentReference");
        assertThat(doc.resourceId()).isEqualTo(Ids.documentReference("EHR", "DOC-77")); // TXA.12
        JsonNode d = json(doc);
        assertThat(d.at("/type/coding/0/code").asText()).isEqualTo("DS"); // TXA.2
        assertThat(d.at("/type/text").asText()).isEqualTo("Discharge summary");
        assertThat(d.at("/status").asText()).isEqualTo("current"); // TXA.19
        assertThat(d.at("/docStatus").asText()).isEqualTo("final"); // TXA.17
        assertThat(d.at("/date").asText()).isEqualTo("2024-01-02T01:00:00Z"); // TXA.6
        assertThat(d.at("/context/period/start").asText()).isEqualTo("2024-01-02T01:00:00+01:00"); // TXA.4
        assertThat(d.at("/context/encounter/0/reference").asText()).isEqualTo("Encounter/" + doc.encounterId());
        assertThat(d.at("/content/0/attachment/contentType").asText()).isEqualTo("text/plain");
        String text = new String(Base64.getDecoder().decode(d.at("/content/0/attachment/data").asText()),
                StandardCharsets.UTF_8);
        assertThat(text).isEqualTo("Patient discharged home.\nFollow up in 2 weeks."); // OBX.5 lines
    }

    @Test
    void untypedPid3WithoutAuthorityKeysInTheSendingFacilityNamespace() {
        // PID.3 "777" bare: authority defaults to MSH.4 (HOSP -> MRN system)
        List<FhirRecord> out = mapped(MAPPER.map("k", hl7(er7(msh("ADT^A04", "2.3"), "PID|1||777||Roe^Ann")),
                LinkLookup.NONE));
        assertThat(out.get(0).patientKey()).isEqualTo(PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "777"));
    }

    static Stream<Arguments> rejections() {
        return Stream.of(
                Arguments.of("not hl7 at all", ReasonCodes.HL7_PARSE_ERROR),
                Arguments.of(er7(msh("BAR^P01", "2.5.1"), PID), ReasonCodes.HL7_NOT_CLINICAL), // issue 17: billing, by design
                Arguments.of(er7(msh("ADT^A41", "2.5.1"), PID), ReasonCodes.HL7_UNSUPPORTED_TYPE),
                Arguments.of(er7(msh("ADT^A01", "2.5.1"), "EVN|A01"), ReasonCodes.HL7_NO_PATIENT_ID),
                // PID.3 only a typed non-patient identifier (SS) -> no key
                Arguments.of(er7(msh("ADT^A01", "2.5.1"), "PID|1||999^^^SSA^SS"), ReasonCodes.HL7_NO_PATIENT_ID),
                Arguments.of("MSH|^~\\&|A|B|C|D|2024||ADT^A01|1|P|2.5\rPID|1||\\Z\\bad escape~~~^^^^|x", null));
    }

    @ParameterizedTest
    @MethodSource("rejections")
    void rejectsWithReasonCode(String text, String reason) {
        MappingResult r = MAPPER.map("k", hl7(text), LinkLookup.NONE);
        if (reason == null) {
            // Odd but parsable input must not throw: either mapped or rejected with a documented code.
            assertThat(r).isInstanceOfAny(MappingResult.Mapped.class, MappingResult.Rejected.class);
        } else {
            assertThat(r).isInstanceOf(MappingResult.Rejected.class);
            assertThat(((MappingResult.Rejected) r).reasonCode()).isEqualTo(reason);
        }
    }
}
