package org.ehrflow.gateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.ehrflow.runtime.identity.IdentifierCandidate;
import org.ehrflow.runtime.identity.PatientKeyResolver;

/**
 * Whether a Patient will get a patient key downstream, by the shared rules of {@link PatientKeyResolver} with the
 * identifiers read as the normaliser reads them (system, the v2-0203 type code else the first coding's code,
 * value). The gateway refuses (422) what the normaliser would dead-letter {@code FHIR_NO_PATIENT_ID}, so a 2xx never
 * hides a lost patient.
 */
public final class PatientIdentity {

    private static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";

    private final PatientKeyResolver resolver;

    public PatientIdentity(PatientKeyResolver resolver) {
        this.resolver = resolver;
    }

    /** Whether the Patient {@code p} has an identifier that makes a key; system-less ones belong to {@code scope}. */
    public boolean identifiable(JsonNode p, String scope) {
        return resolver.fhirPatientKey(candidates(p), scope).isPresent();
    }

    /** Every identifier of a Patient's JSON: system (or null), type code (or null), value (or null). */
    public static List<IdentifierCandidate> candidates(JsonNode p) {
        List<IdentifierCandidate> out = new ArrayList<>();
        for (JsonNode id : p.path("identifier")) {
            out.add(new IdentifierCandidate(text(id.path("system")), null, type(id.path("type")),
                    text(id.path("value"))));
        }
        return out;
    }

    private static String type(JsonNode type) {
        JsonNode codings = type.path("coding");
        for (JsonNode c : codings) {
            if (V2_0203.equals(c.path("system").asText()) && text(c.path("code")) != null) {
                return text(c.path("code"));
            }
        }
        return codings.size() > 0 ? text(codings.get(0).path("code")) : null;
    }

    /** HAPI's "has a value": a non-empty string. */
    private static String text(JsonNode n) {
        return n.isValueNode() && !n.asText().isEmpty() ? n.asText() : null;
    }
}
