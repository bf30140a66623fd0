package org.ehrflow.gateway.ingest;

import java.util.ArrayList;
import java.util.List;
import org.ehrflow.runtime.identity.IdentifierCandidate;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

/**
 * Whether a Patient will get a patient key downstream, by the shared rules of {@link PatientKeyResolver} with the
 * identifiers read as the normaliser reads them. The gateway refuses (422) what the normaliser would dead-letter
 * {@code FHIR_NO_PATIENT_ID}, so a 2xx never hides a lost patient.
 */
public final class PatientIdentity {

    private static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";

    private final PatientKeyResolver resolver;

    public PatientIdentity(PatientKeyResolver resolver) {
        this.resolver = resolver;
    }

    /** Whether {@code p} has an identifier that makes a key, identifiers without a system belonging to {@code scope}. */
    public boolean identifiable(Patient p, String scope) {
        return resolver.fhirPatientKey(candidates(p), scope).isPresent();
    }

    /** Every identifier: system (or null), v2-0203 type code (else the first coding's), value (or null). */
    public static List<IdentifierCandidate> candidates(Patient p) {
        List<IdentifierCandidate> out = new ArrayList<>();
        for (Identifier id : p.getIdentifier()) {
            out.add(new IdentifierCandidate(id.hasSystem() ? id.getSystem() : null, null, type(id),
                    id.hasValue() ? id.getValue() : null));
        }
        return out;
    }

    private static String type(Identifier id) {
        if (!id.hasType()) {
            return null;
        }
        for (Coding c : id.getType().getCoding()) {
            if (V2_0203.equals(c.getSystem()) && c.hasCode()) {
                return c.getCode();
            }
        }
        return id.getType().getCodingFirstRep().getCode();
    }
}
