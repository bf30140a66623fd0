package org.ehrflow.ops.canary;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.PatientKey;

/**
 * The canary patient's synthetic events, one kind per source. Every source names the same MRN in the default MRN
 * system, so all of them land under one patient key of the canary's own: readers of real patients, scoped to their
 * patient by row-level security, never see canary rows. Each event updates the same document (HL7 TXA-12, FHIR
 * DocumentReference id), so the canary's rows stay bounded however long it runs.
 */
public final class CanaryMessages {

    /** The canary's MRN: synthetic, reserved, never a real patient's. */
    public static final String MRN = "EHRFLOW-CANARY-0001";
    /** Its patient key, as every source resolves it. */
    public static final String PATIENT_KEY = PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, MRN);
    /** FHIR Patient id for the canary key ("p-" + the key's 32 hex chars). */
    public static final String FHIR_PATIENT_ID = "p-" + PATIENT_KEY.substring(PatientKey.PATIENT_PREFIX.length());
    /** FHIR DocumentReference the FHIR canary keeps versioning. */
    public static final String FHIR_DOCUMENT_ID = "ehrflow-canary-note";
    /** Every HL7 canary's MSH-10 starts so. */
    public static final String HL7_PREFIX = "CANARY-";
    /** Every FHIR canary's source message id starts so (the version follows). */
    public static final String FHIR_PREFIX = "DocumentReference/" + FHIR_DOCUMENT_ID + "/_history/";

    private static final DateTimeFormatter HL7_TS = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
            .withZone(ZoneOffset.UTC);

    private CanaryMessages() {
    }

    /** MSH-10 of the HL7 canary number {@code seq}: what the chunk rows carry as source message id. */
    public static String hl7ControlId(long seq) {
        return HL7_PREFIX + seq;
    }

    /** MDM^T02 with a one-line note for the canary patient (authority HOSP maps to the default MRN system). */
    public static String hl7(long seq, Instant at) {
        String ts = HL7_TS.format(at);
        return String.join("\r",
                // MSH-3/4 sending app/facility, MSH-9 MDM^T02, MSH-10 control id, MSH-11 P, MSH-12 2.5.1
                "MSH|^~\\&|EHRFLOW-CANARY|HOSP|EHRFLOW|HOSP|" + ts + "||MDM^T02^MDM_T02|" + hl7ControlId(seq)
                        + "|P|2.5.1",
                "EVN|T02|" + ts,
                // PID-3 the canary MRN (authority HOSP), PID-5 an obviously synthetic name
                "PID|1||" + MRN + "^^^HOSP^MR||Canary^Synthetic||20000101|U",
                // TXA-2 type, TXA-4 activity time, TXA-12 the one document the canary keeps replacing, TXA-17 AU
                "TXA|1|PN^Progress note|TX|" + ts + "|||||||EHRFLOW-CANARY-DOC||||||AU",
                "OBX|1|TX|11506-3^Progress note^LN||" + body("hl7", seq) + "||||||F",
                "");
    }

    /** Source message id of FHIR canary number {@code seq} ("Type/id/_history/version"). */
    public static String fhirMessageId(long seq) {
        return FHIR_PREFIX + seq;
    }

    /**
     * A Bundle with the canary Patient (so the document's patient is known without any earlier message) and a
     * DocumentReference (version {@code seq}) with a text/plain attachment about it.
     */
    public static String fhir(long seq, Instant at) {
        String data = Base64.getEncoder().encodeToString(body("fhir", seq).getBytes(StandardCharsets.UTF_8));
        String patient = "{\"resourceType\":\"Patient\",\"id\":\"" + FHIR_PATIENT_ID + "\","
                + "\"identifier\":[{\"system\":\"" + PatientKeyResolver.DEFAULT_MRN_SYSTEM + "\",\"value\":\"" + MRN
                + "\"}],\"name\":[{\"family\":\"Canary\",\"given\":[\"Synthetic\"]}]}";
        String document = "{\"resourceType\":\"DocumentReference\",\"id\":\"" + FHIR_DOCUMENT_ID + "\","
                + "\"meta\":{\"versionId\":\"" + seq + "\",\"lastUpdated\":\"" + at + "\"},"
                + "\"status\":\"current\","
                + "\"type\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"11506-3\","
                + "\"display\":\"Progress note\"}]},"
                + "\"subject\":{\"reference\":\"Patient/" + FHIR_PATIENT_ID + "\"},"
                + "\"date\":\"" + at + "\","
                + "\"content\":[{\"attachment\":{\"contentType\":\"text/plain\",\"data\":\"" + data + "\"}}]}";
        return "{\"resourceType\":\"Bundle\",\"id\":\"ehrflow-canary-" + seq + "\",\"type\":\"collection\","
                + "\"entry\":[{\"fullUrl\":\"Patient/" + FHIR_PATIENT_ID + "\",\"resource\":" + patient + "},"
                + "{\"fullUrl\":\"DocumentReference/" + FHIR_DOCUMENT_ID + "\",\"resource\":" + document + "}]}";
    }

    /** Text of canary note {@code seq} from {@code source}: says what it is, so nobody mistakes it for care. */
    public static String body(String source, long seq) {
        return "Synthetic freshness canary " + source + " number " + seq
                + ". Not a patient record; written by the ehrflow ops app to measure time to searchable.";
    }
}
