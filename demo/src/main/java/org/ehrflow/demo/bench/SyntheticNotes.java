package org.ehrflow.demo.bench;

import java.util.Random;

/**
 * Deterministic synthetic MDM^T02 messages for the load driver: varied multi-section notes for many synthetic
 * patients (no real data). Same seed, same messages.
 */
final class SyntheticNotes {

    private static final String[] COMPLAINTS = {"chest pain", "shortness of breath", "abdominal pain", "fever",
        "headache", "back pain", "dizziness", "cough"};
    private static final String[] HISTORY = {"hypertension", "type 2 diabetes mellitus", "asthma", "COPD",
        "hyperlipidemia", "atrial fibrillation", "chronic kidney disease stage 3", "hypothyroidism"};
    private static final String[] PLANS = {"Start lisinopril 10 mg daily and recheck blood pressure in two weeks.",
        "Increase metformin to 1000 mg twice daily; check HbA1c in three months.",
        "Albuterol inhaler as needed; follow up in clinic if symptoms persist.",
        "Order CT abdomen and pelvis with contrast; NPO pending results.",
        "Acetaminophen 1 g every 8 hours as needed; return precautions reviewed.",
        "Cardiology referral; continue anticoagulation with apixaban 5 mg twice daily."};

    private final Random random;

    SyntheticNotes(long seed) {
        this.random = new Random(seed);
    }

    /** MDM^T02 number {@code i} for patient {@code patient} (MRN LOAD-&lt;patient&gt;, authority HOSP). */
    String mdm(int i, int patient) {
        String complaint = pick(COMPLAINTS);
        String hx = pick(HISTORY);
        StringBuilder body = new StringBuilder();
        body.append("CHIEF COMPLAINT:\n").append(capitalize(complaint)).append(" for ").append(1 + random.nextInt(9))
                .append(" days.\nHISTORY OF PRESENT ILLNESS:\n");
        int sentences = 4 + random.nextInt(10);
        for (int s = 0; s < sentences; s++) {
            body.append("Patient with a history of ").append(hx).append(" reports ").append(complaint)
                    .append(s % 2 == 0 ? ", worse with exertion and improved with rest. "
                            : ", without fever or chills. ");
        }
        body.append("\nPHYSICAL EXAM:\nBP ").append(110 + random.nextInt(60)).append('/').append(60
                + random.nextInt(40))
                .append(", HR ").append(55 + random.nextInt(60)).append(". Lungs clear. Abdomen soft.")
                .append("\nASSESSMENT AND PLAN:\n").append(capitalize(complaint)).append(" in the setting of ")
                        .append(hx)
                .append(". ").append(pick(PLANS));
        String mrn = "LOAD-" + patient;
        StringBuilder obx = new StringBuilder();
        String[] lines = body.toString().split("\n");
        for (int l = 0; l < lines.length; l++) {
            // One OBX TX per line: OBX-1 set id, OBX-2 TX, OBX-3 note code, OBX-5 the line, OBX-11 F
            obx.append("OBX|").append(l + 1).append("|TX|11506-3^Progress note^LN||").append(lines[l])
                    .append("||||||F\r");
        }
        return String.join("\r",
                "MSH|^~\\&|NOTES|HOSP|EHRFLOW|HOSP|20260301080000||MDM^T02^MDM_T02|LOAD-" + i + "|P|2.5.1",
                "EVN|T02|20260301080000",
                "PID|1||" + mrn + "^^^HOSP^MR||Loadpatient^P" + patient + "||19700101|U",
                "PV1|1|O|CLINIC||||||||||||||||V-LOAD-" + patient + "^^^EHR^VN",
                "TXA|1|PN^Progress note|TX|20260301080000|||||||DOC-LOAD-" + i + "||||||AU",
                obx.toString());
    }

    private String pick(String[] a) {
        return a[random.nextInt(a.length)];
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
