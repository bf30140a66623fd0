package org.ehrflow.normalizer.mapping.fhir;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ehrflow.runtime.identity.IdentifierCandidate;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

/**
 * Patient key of a FHIR Patient: its identifiers as candidates (type from v2-0203 codings) for the resolver's FHIR
 * tiers ({@code PatientKeyResolver.fhirPatientKey}): identifiers with a system as always, then the sender-scoped
 * fallback for identifiers without one.
 */
final class FhirPatients {

    private static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";

    private FhirPatients() {
    }

    /**
     * @param senderScope who sent the message: {@code MessageHeader.source.endpoint} of a message Bundle, else the
     *                    provenance's source system (the gateway's authenticated client, or the publisher's name)
     */
    static Optional<String> patientKey(Patient p, PatientKeyResolver resolver, String senderScope) {
        List<IdentifierCandidate> candidates = new ArrayList<>();
        for (Identifier id : p.getIdentifier()) {
            candidates.add(new IdentifierCandidate(id.hasSystem() ? id.getSystem() : null, null, type(id),
                    id.hasValue() ? id.getValue() : null));
        }
        return resolver.fhirPatientKey(candidates, senderScope);
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
