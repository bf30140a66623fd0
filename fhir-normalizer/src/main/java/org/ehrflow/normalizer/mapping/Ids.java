package org.ehrflow.normalizer.mapping;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.ehrflow.schemas.PatientKey;

/**
 * Deterministic FHIR resource ids: a function of the source identity, so a re-sent message, or the same fact
 * through a second ingress, updates one resource. Every id matches the FHIR id rule {@code [A-Za-z0-9-.]{1,64}}.
 *
 * <p>{@code h(s)} below is the first 16 bytes of SHA-256(UTF-8 s) in lower-case hex (32 chars).
 * <ul>
 * <li>Patient: {@code "p-" + <32 hex of the patient key>} (the key is already {@code pk_ + h(system|value)}).</li>
 * <li>Encounter: {@code "enc-" + h("Encounter|" + system + "|" + visitNumber)}; {@code system} is the FHIR system
 *     of the visit number's assigning authority (HL7 PV1-19 CX-4, mapped through the authority table; CDC uses the
 *     authority "EHR"), so HL7 PV1-19 {@code V1^^^HOSP} and the CDC row {@code encounters.visit_number = V1} give one
 *     id.</li>
 * <li>DiagnosticReport: {@code "dr-" + h("DiagnosticReport|" + orderKey)}; Observation:
 *     {@code "obs-" + h("Observation|" + orderKey + "|" + position of the OBX under its OBR, 1-based)}.
 *     {@code orderKey} = {@code "filler|" + OBR-3 namespace + "|" + OBR-3 number}, else {@code "placer|..."} from
 *     OBR-2, else {@code "msg|" + sending system + "|" + MSH-10 + "|" + OBR position}.</li>
 * <li>DocumentReference (HL7): {@code "doc-" + h("DocumentReference|" + namespace + "|" + TXA-12)}, else from
 *     {@code "msg|" + sending system + "|" + MSH-10}.</li>
 * <li>ServiceRequest {@code sr-}, MedicationRequest {@code mr-}, Immunization {@code imm-}:
 *     {@code h(Type + "|" + orderKey)}; Specimen {@code spm-}: {@code h("Specimen|" + SPM-2 id)}, else orderKey and
 *     position; Appointment {@code appt-}: {@code h("Appointment|" + SCH-2 filler id)}, else SCH-1 placer id;
 *     AllergyIntolerance {@code al-}: {@code h(patient key + allergen code)}; Condition {@code dx-}: DG1-20, else
 *     {@code h(patient key + encounter + code)}; Procedure {@code proc-}: PR1-19, else
 *     {@code h(patient key + code + time)} (see {@link #of}).</li>
 * <li>CDC note: {@code "cdc-note-" + notes.id}; CDC encounter without a visit number: {@code "cdc-enc-" + id}.</li>
 * <li>FHIR source ids are kept when valid, else {@code "f-" + h(id)}.</li>
 * </ul>
 */
public final class Ids {

    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private Ids() {
    }

    public static String patient(String patientKey) {
        if (!PatientKey.isPatient(patientKey)) {
            throw new IllegalArgumentException("not a patient key");
        }
        return "p-" + patientKey.substring(PatientKey.PATIENT_PREFIX.length());
    }

    public static String encounter(String system, String visitNumber) {
        return "enc-" + h("Encounter|" + system + "|" + visitNumber.strip());
    }

    public static String diagnosticReport(String orderKey) {
        return "dr-" + h("DiagnosticReport|" + orderKey);
    }

    public static String observation(String orderKey, int position) {
        return "obs-" + h("Observation|" + orderKey + "|" + position);
    }

    public static String documentReference(String namespace, String documentNumber) {
        return "doc-" + h("DocumentReference|" + namespace + "|" + documentNumber.strip());
    }

    public static String cdcNote(long noteId) {
        return "cdc-note-" + noteId;
    }

    public static String cdcEncounter(long encounterId) {
        return "cdc-enc-" + encounterId;
    }

    /**
     * {@code prefix + "-" + h(resourceType + "|" + parts joined by "|")}: the id of a resource known by its source
     * identity (an order number, an appointment id, a set of codes under the patient).
     */
    public static String of(String prefix, String resourceType, String... parts) {
        return prefix + "-" + h(resourceType + "|" + String.join("|", parts));
    }

    /** A FHIR source id, kept if it is a valid FHIR id, else hashed. */
    public static String fhirSource(String id) {
        return FHIR_ID.matcher(id).matches() ? id : "f-" + h(id);
    }

    public static boolean isValid(String id) {
        return id != null && FHIR_ID.matcher(id).matches();
    }

    /** First 16 bytes of SHA-256 in hex. */
    public static String h(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JRE", e);
        }
    }
}
