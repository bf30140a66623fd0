package org.ehrflow.gateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Keys and message ids of records on {@code ehr.raw.fhir.v1}, by the rules the FHIR path has always used (the
 * demo's {@code FhirPublisher}), so the normaliser's learned links ({@code fhir-patient:<id>}) and its
 * co-partitioning assumption hold for gateway traffic unchanged:
 * <ul>
 *   <li>a Patient: {@code fhir-patient:<id>};</li>
 *   <li>a Bundle: {@code fhir-patient:<id>} of its first Patient entry (the entry's fullUrl uuid when the Patient
 *   has no id), else {@code bundle:<id>};</li>
 *   <li>any other resource: {@code fhir-patient:<id>} of its {@code subject} or {@code patient} reference when that
 *   is {@code Patient/<id>}, else {@code resource:<id>}.</li>
 * </ul>
 */
public final class RawFhirKeys {

    static final String PATIENT = "fhir-patient:";

    private RawFhirKeys() {
    }

    /** The raw key of one JSON document whose id (or fallback id) is {@code id}. */
    public static String keyOf(JsonNode root, String id) {
        String type = root.path("resourceType").asText();
        if ("Patient".equals(type)) {
            return PATIENT + root.path("id").asText(id);
        }
        if ("Bundle".equals(type)) {
            for (JsonNode e : root.path("entry")) {
                JsonNode r = e.path("resource");
                if ("Patient".equals(r.path("resourceType").asText())) {
                    String pid = r.path("id").asText("");
                    if (pid.isEmpty()) {
                        pid = e.path("fullUrl").asText("").replaceFirst("^urn:uuid:", "");
                    }
                    return PATIENT + pid;
                }
            }
            return "bundle:" + id;
        }
        String patient = patientIdOf(root);
        return patient != null ? PATIENT + patient : "resource:" + id;
    }

    /**
     * The source id of the Patient a non-Patient resource names in {@code subject}/{@code patient}, or null. An
     * absolute reference ({@code https://ehr/fhir/Patient/<id>}, as Subscription notifications carry) counts too:
     * the publisher keyed those {@code resource:<id>}, which put them on a task that never learns the patient.
     */
    public static String patientIdOf(JsonNode resource) {
        for (String field : new String[] {"subject", "patient"}) {
            String ref = resource.path(field).path("reference").asText("");
            if (ref.startsWith("Patient/")) {
                return ref.substring("Patient/".length()); // as the publisher always did
            }
            int at = ref.indexOf("/Patient/");
            if (ref.startsWith("http") && at > 0) {
                return ref.substring(at + "/Patient/".length()).split("/")[0];
            }
        }
        return null;
    }

    /** The document's id, or the publisher's fallback {@code <type>-<hex of the text's hashCode>}. */
    public static String idOf(JsonNode root, String text) {
        String id = root.path("id").asText(null);
        if (id != null) {
            return id;
        }
        // Only without an id: hashing a 165 KB Bundle's text on every call was a tenth of the gateway's work.
        return root.path("resourceType").asText("Unknown") + "-" + Integer.toHexString(text.hashCode());
    }

    /** {@code <type>/<id>/_history/<meta.versionId or 1>}: the FHIR path's {@code sourceMessageId}. */
    public static String messageId(JsonNode root, String id) {
        String type = root.path("resourceType").asText("Unknown");
        return type + "/" + id + "/_history/" + root.path("meta").path("versionId").asText("1");
    }
}
