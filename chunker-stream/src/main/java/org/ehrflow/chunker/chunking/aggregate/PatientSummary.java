package org.ehrflow.chunker.chunking.aggregate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.ehrflow.chunker.chunking.model.ContextHeader;
import org.ehrflow.chunker.chunking.model.Section;

/**
 * The per-patient summary: active problems, current medications and allergies, each a section of one line per
 * fact (most recent first). Its chunk set has sourceId {@code Composition/summary-<32 hex of the patient key>}
 * (the Patient resource owns "Patient/p-<hex>") and resourceType "Patient".
 */
public final class PatientSummary {

    public static final String NOTE_TYPE = "Patient summary";
    public static final String RESOURCE_TYPE = "Patient";
    public static final String PROBLEM = "PROBLEM";
    public static final String MEDICATION = "MEDICATION";
    public static final String ALLERGY = "ALLERGY";
    private static final Map<String, String> TITLES = Map.of(
            PROBLEM, "Active problems", MEDICATION, "Current medications", ALLERGY, "Allergies");
    private static final List<String> ORDER = List.of(PROBLEM, MEDICATION, ALLERGY);

    private PatientSummary() {
    }

    /** The summary set's sourceId for {@code patientKey} ("pk_" or "sys_" + 32 hex). */
    public static String sourceId(String patientKey) {
        return "Composition/summary-" + patientKey.substring(patientKey.indexOf('_') + 1);
    }

    public static ContextHeader header() {
        return new ContextHeader(NOTE_TYPE, null, null);
    }

    /** One section per non-empty category, in the order problems, medications, allergies. */
    public static List<Section> sections(List<Fact> items) {
        List<Section> out = new ArrayList<>();
        for (String category : ORDER) {
            List<Fact> facts = new ArrayList<>(items.stream().filter(f -> category.equals(f.category())).toList());
            if (facts.isEmpty()) {
                continue;
            }
            facts.sort(Comparator.comparing((Fact f) -> f.time() != null ? f.time() : f.date(),
                    Comparator.nullsLast(Comparator.reverseOrder()))
                    .thenComparing(Fact::ref));
            StringBuilder sb = new StringBuilder();
            facts.forEach(f -> sb.append(sb.length() > 0 ? "\n" : "").append("- ").append(f.text().strip()));
            out.add(new Section(TITLES.get(category), sb.toString()));
        }
        return out;
    }
}
