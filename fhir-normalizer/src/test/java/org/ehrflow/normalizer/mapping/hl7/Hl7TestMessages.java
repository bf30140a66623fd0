package org.ehrflow.normalizer.mapping.hl7;

import static org.ehrflow.normalizer.mapping.Fixtures.er7;
import static org.ehrflow.normalizer.mapping.Fixtures.hl7;
import static org.ehrflow.normalizer.mapping.Fixtures.mapped;

import java.time.ZoneOffset;
import java.util.List;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.SchemaValidator;
import org.ehrflow.schemas.Topics;

/** Minimal HL7 messages shared by the per-message-type tests; every field used is commented where it is built. */
final class Hl7TestMessages {

    static final Hl7v2Mapper MAPPER = new Hl7v2Mapper(PatientKeyResolver.defaults(), ZoneOffset.UTC);
    static final String MRN_KEY = PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "12345");

    // PID.3 MRN 12345 of HOSP typed MR; PID.5 name; PID.7 birth date; PID.8 sex
    static final String PID = "PID|1||12345^^^HOSP^MR||Doe^Jane||19800215|F";
    // PV1.2 class I; PV1.19 visit number V100 of HOSP; PV1.44 admit; PV1.45 discharge
    static final String PV1 = "PV1|1|I|||||||||||||||||V100^^^HOSP|||||||||||||||||||||||||20240101080000|20240105120000";

    private Hl7TestMessages() {
    }

    // MSH.9 type, MSH.10 control id MSG0001, MSH.7 time, MSH.12 version
    static String msh(String type, String version) {
        return "MSH|^~\\&|LAB|HOSP|EHR|HOSP|20240102030405||" + type + "|MSG0001|P|" + version;
    }

    static MappingResult map(String... segments) {
        return MAPPER.map("k", hl7(er7(segments)), LinkLookup.NONE);
    }

    /** The mapped records; each must validate against the topic contract. */
    static List<FhirRecord> records(String... segments) {
        List<FhirRecord> out = mapped(map(segments));
        for (FhirRecord r : out) {
            byte[] bytes = Topics.FHIR_RESOURCES.valueSerde().serializer().serialize("t", r);
            List<String> problems = SchemaValidator.problems(Topics.FHIR_RESOURCES, bytes);
            if (!problems.isEmpty()) {
                throw new AssertionError(r + " " + problems);
            }
        }
        return out;
    }
}
