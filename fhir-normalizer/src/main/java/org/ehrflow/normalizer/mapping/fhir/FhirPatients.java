package org.ehrflow.normalizer.mapping.fhir;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ehrflow.runtime.identity.IdentifierCandidate;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

/** Patient key of a FHIR Patient: its identifiers as candidates (type from v2-0203 codings) for the resolver. */
final class FhirPatients {

    private static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";

    private FhirPatients() {
    }

    static Optional<String> patientKey(Patient p, PatientKeyResolver resolver) {
        List<IdentifierCandidate> candidates = new ArrayList<>();
        for (Identifier id : p.getIdentifier()) {
            if (id.hasValue() && id.hasSystem()) {
                candidates.add(new IdentifierCandidate(id.getSystem(), null, type(id), id.getValue()));
            }
        }
        return resolver.patientKey(candidates);
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
