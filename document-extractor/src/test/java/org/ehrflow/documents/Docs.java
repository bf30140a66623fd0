package org.ehrflow.documents;

import java.time.Instant;
import java.util.Base64;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.Provenance;
import org.ehrflow.schemas.RecordOp;
import org.ehrflow.schemas.SourceType;
import org.ehrflow.schemas.Topics;

/** Record builders for the extractor's tests: a synthetic patient and DocumentReferences around given bytes. */
public final class Docs {

    /** A synthetic patient key (not derived from any real identifier). */
    public static final String PATIENT = PatientKey.of("urn:test:mrn", "DOC-0001");

    private Docs() {
    }

    public static Provenance provenance() {
        return new Provenance(SourceType.HL7V2, "LAB^HOSP", "MSG-DOC-1", Topics.RAW_HL7V2.name(), 0, 5L,
                Instant.parse("2024-05-01T10:00:00Z"), Instant.parse("2024-05-01T10:00:01Z"));
    }

    /** A DocumentReference (LOINC-typed, dated) with one inline attachment. */
    public static String documentReference(String contentType, byte[] data) {
        return "{\"resourceType\":\"DocumentReference\",\"status\":\"current\",\"type\":{\"coding\":[{\"system\":"
                + "\"http://loinc.org\",\"code\":\"11526-1\",\"display\":\"Pathology study\"}]},\"date\":"
                + "\"2024-05-01T10:00:00Z\",\"content\":[{\"attachment\":{\"contentType\":\"" + contentType
                + "\",\"data\":\"" + Base64.getEncoder().encodeToString(data) + "\"}}]}";
    }

    /** A DocumentReference whose only attachment is a reference. */
    public static String documentReferenceByUrl(String contentType, String url) {
        return "{\"resourceType\":\"DocumentReference\",\"status\":\"current\",\"content\":[{\"attachment\":"
                + "{\"contentType\":\"" + contentType + "\",\"url\":\"" + url + "\"}}]}";
    }

    public static FhirRecord upsert(String id, String json) {
        return new FhirRecord(PATIENT, RecordOp.UPSERT, "DocumentReference", id, "1", null, json, provenance());
    }

    public static byte[] bytes(FhirRecord rec) {
        return Topics.FHIR_RESOURCES.valueSerde().serializer().serialize(Topics.FHIR_RESOURCES.name(), rec);
    }
}
