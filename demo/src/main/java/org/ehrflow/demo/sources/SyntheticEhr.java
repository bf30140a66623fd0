package org.ehrflow.demo.sources;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import org.ehrflow.ehrsim.EhrWriter;

/**
 * Synthetic EHR activity for the demo and tests (no real patient data): admissions with structured notes written
 * into the EHR database, which Debezium captures; then an amendment and a deletion.
 */
public final class SyntheticEhr {

    /** MRN shared with the synthetic HL7 ADT message of {@link SyntheticHl7}: the same patient via two sources. */
    public static final String SHARED_MRN = "DEMO-1001";
    /** Visit number shared with that ADT message's PV1-19. */
    public static final String SHARED_VISIT = "V-5001";

    /** What was written, so callers can check its effects downstream. */
    public record Activity(long patientId, long encounterId, long amendedNoteId, long deletedNoteId, int changes) {
    }

    private SyntheticEhr() {
    }

    /** Writes two patients, their encounters and notes, then amends one note and deletes another. */
    public static Activity run(EhrWriter ehr) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        int changes = 0;
        long p1 = ehr.insertPatient(SHARED_MRN, "Testpatient", "Alex", LocalDate.of(1961, 4, 2), "female");
        long p2 = ehr.insertPatient("DEMO-1002", "Sampleperson", "Jordan", LocalDate.of(1985, 11, 23), "male");
        long e1 = ehr.insertEncounter(p1, SHARED_VISIT, "emergency", "in-progress", "Chest pain", now);
        long e2 = ehr.insertEncounter(p2, "V-5002", "outpatient", "finished", "Diabetes follow-up", now);
        changes += 4;
        long n1 = ehr.insertNote(p1, e1, "Emergency department note", "attending physician", now, CHEST_PAIN_NOTE);
        long n2 = ehr.insertNote(p2, e2, "Progress note", "primary care physician", now, DIABETES_NOTE);
        long n3 = ehr.insertNote(p1, e1, "Nursing note", "registered nurse", now,
                "Patient resting comfortably. Pain 2/10. Vital signs stable. Will continue to monitor.");
        changes += 3;
        ehr.updateNoteBody(n2, DIABETES_NOTE + "\n\nAddendum: HbA1c result 7.9 %. Increase metformin to 1000 mg "
                + "twice daily. Recheck in 3 months.");
        ehr.deleteNote(n3);
        changes += 2;
        return new Activity(p1, e1, n2, n3, changes);
    }

    static final String CHEST_PAIN_NOTE = """
            CHIEF COMPLAINT:
            Chest pain for two hours.

            HISTORY OF PRESENT ILLNESS:
            65-year-old with hypertension and hyperlipidemia presents with substernal chest pressure radiating to the \
            left arm, onset at rest, associated with diaphoresis and mild shortness of breath. No prior cardiac \
            history. Took aspirin at home.

            PHYSICAL EXAM:
            BP 158/92, HR 96, RR 18, SpO2 97% on room air. Lungs clear. Regular rhythm, no murmurs. No edema.

            ASSESSMENT AND PLAN:
            Acute chest pain, concerning for acute coronary syndrome. ECG shows no ST elevation. Serial troponins, \
            continue aspirin, start heparin per protocol, cardiology consult for possible catheterization. \
            Admit to telemetry.
            """;

    static final String DIABETES_NOTE = """
            SUBJECTIVE:
            Follow-up of type 2 diabetes mellitus. Reports good adherence to metformin 500 mg twice daily. \
            Occasional fasting glucose readings above 180 mg/dL. No hypoglycemia.

            OBJECTIVE:
            Weight 92 kg, BP 132/84. Monofilament exam normal. No retinopathy on last eye exam.

            ASSESSMENT:
            Type 2 diabetes mellitus, suboptimally controlled.

            PLAN:
            Reinforce diet and exercise. Check HbA1c and lipid panel. Consider dose increase of metformin.
            """;
}
