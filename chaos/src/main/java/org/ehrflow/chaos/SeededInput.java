package org.ehrflow.chaos;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The chaos load's HL7 v2 and FHIR inputs, a pure function of the seed (synthetic patients, no real data): the
 * same seed gives the same messages in the same order, so a run under kills can be compared with a clean run.
 * Per patient order is kept (admit, results, notes, corrections, updates); patients are interleaved; merges come
 * last; a few deliberately bad messages are mixed in and must be rejected with AR and dead-lettered.
 */
final class SeededInput {

    static final String MRN_SYSTEM = "http://hospital.example.org/mrn";
    private static final String[] PHRASES = {
        "Patient reports improved breathing since yesterday.", "Mild ankle swelling noted on examination.",
        "Blood pressure controlled on current regimen.", "Plan to repeat potassium in the morning.",
        "Tolerating oral intake without nausea.", "Wound clean and dry, no signs of infection.",
        "Reports intermittent headache, relieved by paracetamol.", "Ambulating independently in the corridor.",
        "Chest clear on auscultation.", "Insulin dose adjusted for fasting glucose.",
        "Discussed smoking cessation; nicotine patch started.", "Pain score 3 of 10 at rest.",
    };

    /** One HL7 message to send over MLLP; {@code bad} ones must be answered AR. */
    record Hl7(String controlId, String text, boolean bad) {
    }

    /**
     * One FHIR document (a Bundle) to publish to the raw FHIR topic, and the {@code Type/id/_history/version} of
     * each resource in it: the normaliser's source message ids.
     */
    record Fhir(String id, String json, List<String> resourceVersions) {
    }

    final List<Hl7> hl7 = new ArrayList<>();
    final List<Fhir> fhir = new ArrayList<>();
    final int cdcChanges;
    final String cdcPrefix;
    final long seed;

    private SeededInput(long seed, int cdcChanges) {
        this.seed = seed;
        this.cdcChanges = cdcChanges;
        this.cdcPrefix = "CHAOS-" + seed + "-CDC-";
    }

    /** {@code scale} 1 is about 60 HL7 messages, 16 FHIR documents and 60 EHR changes. */
    static SeededInput of(long seed, int scale) {
        SeededInput in = new SeededInput(seed, 60 * scale);
        Random r = new Random(seed);
        int patients = 10 * scale;
        List<List<Hl7>> perPatient = new ArrayList<>();
        for (int p = 0; p < patients; p++) {
            perPatient.add(in.patientMessages(r, p));
        }
        // Interleave patients (seeded), keeping each patient's own order.
        int[] next = new int[patients];
        int left = perPatient.stream().mapToInt(List::size).sum();
        int n = 0;
        while (left > 0) {
            int p = r.nextInt(patients);
            if (next[p] < perPatient.get(p).size()) {
                in.hl7.add(perPatient.get(p).get(next[p]++));
                left--;
                if (++n % 25 == 0) {
                    in.hl7.add(new Hl7("BAD-" + n, "THIS IS NOT AN HL7 MESSAGE " + n + "\r", true));
                }
            }
        }
        // Merges last: patient 2k+1 into 2k for the first two pairs.
        for (int k = 0; k < Math.min(2, patients / 2); k++) {
            in.hl7.add(in.merge(2 * k, 2 * k + 1));
        }
        for (int f = 0; f < 4 * scale; f++) {
            in.fhir.add(in.bundle(r, f, 1));
        }
        for (int f = 0; f < 4 * scale; f++) {
            in.fhir.add(in.bundle(r, f, 2)); // the same resources again with changed values: updates
        }
        return in;
    }

    String mrn(int p) {
        return "CHAOS-" + seed + "-H" + p;
    }

    private String pid(int p) {
        return "PID|1||" + mrn(p) + "^^^HOSP^MR||Chaostest^Pat" + p + "||19" + (40 + p % 50) + "0101|"
                + (p % 2 == 0 ? "F" : "M");
    }

    private String pv1(int p) {
        return "PV1|1|I|W" + (p % 5) + "^" + (p % 20) + "^1||||||||||||||||V-" + seed + "-" + p + "^^^EHR^VN";
    }

    private static String msh(String app, String type, String controlId, int day, int minute) {
        return "MSH|^~\\&|" + app + "|HOSP|EHRFLOW|HOSP|202601" + String.format(Locale.ROOT, "%02d", day)
                + String.format(Locale.ROOT, "%02d%02d", minute / 60 % 24, minute % 60) + "00||" + type + "|"
                + controlId + "|P|2.5.1";
    }

    private List<Hl7> patientMessages(Random r, int p) {
        List<Hl7> out = new ArrayList<>();
        String c = "C" + seed + "-" + p + "-";
        out.add(new Hl7(c + "A01", String.join("\r", msh("ADT", "ADT^A01^ADT_A01", c + "A01", 2, p),
                "EVN|A01|20260102080000", pid(p), pv1(p), ""), false));
        int labs = 1 + r.nextInt(3);
        for (int l = 0; l < labs; l++) {
            out.add(oru(r, p, l, c + "ORU" + l, "F"));
        }
        int notes = 1 + r.nextInt(2);
        for (int k = 0; k < notes; k++) {
            StringBuilder note = new StringBuilder();
            note.append(String.join("\r", msh("NOTES", "MDM^T02^MDM_T02", c + "MDM" + k, 3, p * 3 + k),
                    "EVN|T02|20260103090000", pid(p), pv1(p),
                    "TXA|1|PN^Progress note|TX|20260103" + String.format(Locale.ROOT, "%02d", 8 + k)
                            + "0000|||||||DOC-" + seed + "-" + p + "-" + k + "||||||AU"));
            int lines = 2 + r.nextInt(3);
            for (int i = 0; i < lines; i++) {
                note.append("\rOBX|").append(i + 1).append("|TX|11506-3^Progress note^LN||")
                        .append(PHRASES[r.nextInt(PHRASES.length)]).append("||||||F");
            }
            out.add(new Hl7(c + "MDM" + k, note + "\r", false));
        }
        if (r.nextInt(3) == 0) {
            out.add(oru(r, p, 0, c + "ORU0C", "C")); // a corrected result: same order, new value
        }
        if (r.nextInt(3) == 0) {
            out.add(new Hl7(c + "A08", String.join("\r", msh("ADT", "ADT^A08^ADT_A01", c + "A08", 4, p),
                    "EVN|A08|20260104080000", pid(p) + "|||12 Chaos Street^^Testville^^0" + p, pv1(p), ""), false));
        }
        return out;
    }

    private Hl7 oru(Random r, int p, int l, String controlId, String status) {
        String[][] tests = {{"2345-7", "Glucose", "mg/dL", "70-99"}, {"2823-3", "Potassium", "mmol/L", "3.5-5.1"},
                {"2951-2", "Sodium", "mmol/L", "136-145"}};
        String[] t = tests[l % tests.length];
        double value = switch (l % 3) {
            case 0 -> 70 + r.nextInt(80);
            case 1 -> 3.0 + r.nextInt(30) / 10.0;
            default -> 130 + r.nextInt(15);
        };
        String order = "FIL-" + seed + "-" + p + "-" + l;
        return new Hl7(controlId, String.join("\r", msh("LAB", "ORU^R01^ORU_R01", controlId, 2, 100 + p * 3 + l),
                pid(p), pv1(p), "OBR|1|ORD-" + order + "|" + order + "|" + t[0] + "^" + t[1] + "^LN|||20260102"
                        + String.format(Locale.ROOT, "%02d", 9 + l) + "0000",
                "OBX|1|NM|" + t[0] + "^" + t[1] + "^LN||" + value + "|" + t[2] + "|" + t[3] + "||||" + status
                        + "|||20260102" + String.format(Locale.ROOT, "%02d", 9 + l) + "0000", ""), false);
    }

    private Hl7 merge(int survivor, int retired) {
        String id = "C" + seed + "-MERGE-" + retired;
        return new Hl7(id, String.join("\r", msh("ADT", "ADT^A40^ADT_A39", id, 5, retired), "EVN|A40|20260105080000",
                pid(survivor), "MRG|" + mrn(retired) + "^^^HOSP^MR", ""), false);
    }

    private Fhir bundle(Random r, int f, int version) {
        String pid = "chaos-" + seed + "-f" + f;
        String mrn = "CHAOS-" + seed + "-F" + f;
        double hba1c = 5.0 + r.nextInt(40) / 10.0;
        int systolic = 105 + r.nextInt(50);
        String note = PHRASES[r.nextInt(PHRASES.length)] + " " + PHRASES[r.nextInt(PHRASES.length)];
        String noteB64 = Base64.getEncoder().encodeToString(note.getBytes(StandardCharsets.UTF_8));
        String meta = "\"meta\":{\"versionId\":\"" + version + "\"}";
        // A transaction of PUTs with fixed ids, as an EHR sends to a FHIR server (the gateway): re-sending it is
        // idempotent.
        String json = "{\"resourceType\":\"Bundle\",\"id\":\"" + pid + "-b" + version + "\",\"type\":\"transaction\","
                + "\"entry\":["
                + "{\"fullUrl\":\"urn:uuid:" + pid + "\"," + put("Patient/" + pid)
                + "\"resource\":{\"resourceType\":\"Patient\",\"id\":\"" + pid
                + "\"," + meta + ",\"identifier\":[{\"type\":{\"coding\":[{\"system\":"
                + "\"http://terminology.hl7.org/CodeSystem/v2-0203\",\"code\":\"MR\"}]},\"system\":\"" + MRN_SYSTEM
                + "\",\"value\":\"" + mrn + "\"}],\"name\":[{\"family\":\"Chaosfhir\",\"given\":[\"F" + f + "\"]}],"
                + "\"gender\":\"" + (f % 2 == 0 ? "female" : "male") + "\",\"birthDate\":\"1970-0" + (1 + f % 9)
                + "-15\"}},"
                + observation(pid, "a1c", version, "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", hba1c, "%")
                + "," + observation(pid, "bp", version, "8480-6", "Systolic blood pressure", systolic, "mm[Hg]")
                + ",{" + put("DocumentReference/" + pid + "-note")
                + "\"resource\":{\"resourceType\":\"DocumentReference\",\"id\":\"" + pid + "-note\"," + meta
                + ",\"status\":\"current\",\"type\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"11506-3\","
                + "\"display\":\"Progress note\"}]},\"subject\":{\"reference\":\"Patient/" + pid + "\"},"
                + "\"date\":\"2026-01-0" + (5 + version) + "T10:00:00Z\",\"content\":[{\"attachment\":{\"contentType\":"
                + "\"text/plain\",\"data\":\"" + noteB64 + "\"}}]}}"
                + "]}";
        List<String> versions = new ArrayList<>();
        for (String ref : List.of("Patient/" + pid, "Observation/" + pid + "-a1c", "Observation/" + pid + "-bp",
                "DocumentReference/" + pid + "-note")) {
            versions.add(ref + "/_history/" + version);
        }
        return new Fhir(pid + "-b" + version, json, versions);
    }

    private static String observation(String pid, String suffix, int version, String code, String display,
            double value, String unit) {
        return "{" + put("Observation/" + pid + "-" + suffix)
                + "\"resource\":{\"resourceType\":\"Observation\",\"id\":\"" + pid + "-" + suffix + "\",\"meta\":{"
                + "\"versionId\":\"" + version + "\"},\"status\":\"final\",\"code\":{\"coding\":[{\"system\":"
                + "\"http://loinc.org\",\"code\":\"" + code + "\",\"display\":\"" + display + "\"}]},\"subject\":{"
                + "\"reference\":\"Patient/" + pid + "\"},\"effectiveDateTime\":\"2026-01-0" + (3 + version)
                + "T09:00:00Z\",\"valueQuantity\":{\"value\":" + value + ",\"unit\":\"" + unit + "\",\"system\":"
                + "\"http://unitsofmeasure.org\",\"code\":\"" + unit + "\"}}}";
    }

    /** The request of a transaction entry that creates or replaces {@code ref} ("Type/id"). */
    private static String put(String ref) {
        return "\"request\":{\"method\":\"PUT\",\"url\":\"" + ref + "\"},";
    }

    int badHl7() {
        return (int) hl7.stream().filter(Hl7::bad).count();
    }
}
