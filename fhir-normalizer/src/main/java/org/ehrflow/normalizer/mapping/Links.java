package org.ehrflow.normalizer.mapping;

/** Link keys of the learned-links store: the same string forms the raw topics use as keys. */
public final class Links {

    private Links() {
    }

    /** CDC patient row id -> patient key; equals the raw CDC key of that patient's rows. */
    public static String ehrPatient(long patientRowId) {
        return "ehr-patient:" + patientRowId;
    }

    /** CDC encounter row id -> FHIR Encounter id. */
    public static String ehrEncounter(long encounterRowId) {
        return "ehr-encounter:" + encounterRowId;
    }

    /** FHIR Patient logical id (as the source knows it) -> patient key; equals the raw FHIR key form. */
    public static String fhirPatient(String sourcePatientId) {
        return "fhir-patient:" + sourcePatientId;
    }
}
