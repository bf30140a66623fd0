package org.ehrflow.ehrsim.sim;

/** Small code tables for synthetic clinical rows: real public codes, invented people. */
final class SyntheticCodes {

    private SyntheticCodes() {
    }

    /** Obviously synthetic family names. */
    static final String[] FAMILY = {"Testperson", "Sampleton", "Demoreux", "Fakeworth", "Mockley", "Placeholder"};
    static final String[] GIVEN = {"Alex", "Jordan", "Sam", "Robin", "Casey", "Morgan", "Riley", "Quinn"};
    static final String[] SEX = {"female", "male", "other", "unknown"};

    /** {LOINC, name, unit, low, high, reference range}. */
    static final String[][] LABS = {
            {"2345-7", "Glucose", "mg/dL", "70", "99", "70-99"},
            {"2160-0", "Creatinine", "mg/dL", "0.6", "1.3", "0.6-1.3"},
            {"718-7", "Hemoglobin", "g/dL", "12", "17", "12.0-17.0"},
            {"6690-2", "Leukocytes", "10*3/uL", "4", "11", "4.0-11.0"},
            {"2823-3", "Potassium", "mmol/L", "3.5", "5.1", "3.5-5.1"},
            {"4548-4", "Hemoglobin A1c", "%", "4", "5.6", "4.0-5.6"}};

    /** {RxNorm, name, dose, route, frequency}. */
    static final String[][] MEDS = {
            {"860975", "Metformin 500 MG Oral Tablet", "500 mg", "oral", "twice daily"},
            {"197361", "Amlodipine 5 MG Oral Tablet", "5 mg", "oral", "once daily"},
            {"313782", "Acetaminophen 325 MG Oral Tablet", "650 mg", "oral", "every 6 hours as needed"},
            {"1719286", "Enoxaparin 40 MG/0.4ML Injection", "40 mg", "subcutaneous", "once daily"},
            {"308182", "Amoxicillin 500 MG Oral Capsule", "500 mg", "oral", "three times daily"}};

    /** {SNOMED substance, name, reaction, severity, criticality}. */
    static final String[][] ALLERGIES = {
            {"764146007", "Penicillin", "Hives", "moderate", "high"},
            {"387458008", "Aspirin", "Wheezing", "severe", "high"},
            {"256349002", "Peanut", "Anaphylaxis", "severe", "high"},
            {"111088007", "Latex", "Rash", "mild", "low"}};

    /** {ICD-10-CM, description}. */
    static final String[][] DIAGNOSES = {
            {"E11.9", "Type 2 diabetes mellitus without complications"},
            {"I10", "Essential (primary) hypertension"},
            {"J18.9", "Pneumonia, unspecified organism"},
            {"I21.4", "Non-ST elevation (NSTEMI) myocardial infarction"},
            {"N39.0", "Urinary tract infection, site not specified"},
            {"R07.9", "Chest pain, unspecified"}};

    /** {note type, body}. */
    static final String[][] NOTES = {
            {"Progress note", "Patient seen on rounds. Afebrile overnight, tolerating diet. Plan: continue current "
                    + "management, reassess tomorrow."},
            {"Nursing note", "Vital signs stable. Pain 3/10 after analgesia. Ambulating with assistance."},
            {"Emergency department note", "Presents with symptoms since this morning. Exam as documented. "
                    + "Labs and imaging ordered; will reassess."},
            {"Consult note", "Asked to evaluate. Reviewed history, labs and medications. Recommendations "
                    + "discussed with the primary team."}};
}
