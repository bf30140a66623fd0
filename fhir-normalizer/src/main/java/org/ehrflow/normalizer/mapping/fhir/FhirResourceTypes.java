package org.ehrflow.normalizer.mapping.fhir;

import java.util.Set;

/**
 * Which FHIR resource types the normaliser passes on. Clinical types are mapped; everything else (administrative
 * and financial: Claim, ExplanationOfBenefit, Coverage, Organization, Practitioner, PractitionerRole, Location,
 * Provenance, Device, CareTeam, ImagingStudy, Medication, MedicationAdministration, SupplyDelivery, ...) is a
 * counted skip, not a rejection: it carries nothing a patient-scoped retrieval needs as its own chunk.
 */
public final class FhirResourceTypes {

    public static final Set<String> MAPPED = Set.of("Patient", "Encounter", "Observation", "Condition",
            "MedicationRequest", "MedicationStatement", "AllergyIntolerance", "Procedure", "Immunization",
            "DiagnosticReport", "DocumentReference", "CarePlan", "Goal");

    private FhirResourceTypes() {
    }

    public static boolean mapped(String type) {
        return MAPPED.contains(type);
    }
}
