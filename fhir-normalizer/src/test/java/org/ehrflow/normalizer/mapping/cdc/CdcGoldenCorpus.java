package org.ehrflow.normalizer.mapping.cdc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.ehrflow.normalizer.mapping.CdcMapperTest;
import org.ehrflow.schemas.Json;

/**
 * A deterministic corpus of demo-EHR change events (all seven tables, every op, nulls, every status value the
 * schema allows and some it does not) used to prove the configuration-driven CDC mapping gives byte-identical
 * records to the hand-written mappers it replaced (golden file written by the hand-written mappers).
 */
public final class CdcGoldenCorpus {

    /** One event: the envelope and whether the links it needs are known. */
    public record Event(String envelope, boolean linksKnown) {
    }

    private final Random random = new Random(20261206L);

    public static List<Event> events(int perTable) {
        return new CdcGoldenCorpus().build(perTable);
    }

    private List<Event> build(int perTable) {
        List<Event> out = new ArrayList<>();
        String[] tables = {"patients", "encounters", "notes", "lab_results", "medication_orders", "allergies",
            "diagnoses"};
        for (String table : tables) {
            for (int i = 0; i < perTable; i++) {
                String op = pick("c", "u", "r", "d", "c", "u");
                String row = Json.MAPPER.valueToTree(row(table, i)).toString();
                ObjectNode env = (ObjectNode) Json.MAPPER.valueToTree(parse(CdcMapperTest.envelope(op, table, row)));
                ((ObjectNode) env.get("source")).put("lsn", 1000 + out.size());
                ((ObjectNode) env.get("source")).put("ts_ms", 1767225600000L + out.size() * 997L);
                out.add(new Event(env.toString(), random.nextInt(10) != 0));
            }
        }
        return out;
    }

    private static Object parse(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, Object> row(String table, int i) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", 1 + random.nextInt(40));
        if (!table.equals("patients")) {
            r.put("patient_id", 7);
        }
        switch (table) {
            case "patients" -> {
                r.put("mrn", random.nextInt(12) == 0 ? null : "M" + random.nextInt(90));
                r.put("family_name", maybe(() -> pick("Doe", "Smith", "O'Neil")));
                r.put("given_name", maybe(() -> pick("Jane", "Ann Marie")));
                r.put("birth_date", maybe(() -> random.nextInt(20000)));
                r.put("sex", maybe(() -> pick("male", "female", "other", "unknown", "F", "x")));
                r.put("phone", maybe(() -> "555-01" + random.nextInt(100)));
                r.put("updated_at", ts());
            }
            case "encounters" -> {
                r.put("visit_number", maybe(() -> "V" + random.nextInt(30)));
                r.put("class", maybe(() -> pick("inpatient", "outpatient", "emergency", "weird")));
                r.put("status", maybe(() -> pick("in-progress", "finished", "cancelled", "bogus")));
                r.put("reason", maybe(() -> pick("chest pain", "follow-up")));
                r.put("started_at", maybe(this::ts));
                r.put("ended_at", maybe(this::ts));
                r.put("updated_at", ts());
            }
            case "notes" -> {
                r.put("encounter_id", maybe(() -> 3));
                r.put("note_type", pick("Progress note", "Discharge summary"));
                r.put("author", maybe(() -> "Dr " + pick("A", "B")));
                r.put("written_at", maybe(this::ts));
                r.put("status", pick("final", "amended", "entered-in-error"));
                r.put("body", pick("Feels better.", "Pain 3/10; plan: ibuprofen\nreview in 2 days", "", "é ü ✓"));
                r.put("updated_at", ts());
            }
            case "lab_results" -> {
                r.put("encounter_id", maybe(() -> 3));
                r.put("loinc_code", pick("2345-7", "718-7"));
                r.put("test_name", pick("Glucose", "Hemoglobin"));
                boolean numeric = random.nextBoolean();
                r.put("value_numeric", numeric ? maybe(() -> pick(182, 5.4, 0.001, 1e7, "13.50")) : null);
                r.put("value_text", numeric ? null : maybe(() -> "negative"));
                r.put("unit", maybe(() -> pick("mg/dL", "g/dL")));
                r.put("reference_range", maybe(() -> "70-99"));
                r.put("abnormal_flag", maybe(() -> pick("N", "L", "H", "LL", "HH", "A")));
                r.put("status", pick("preliminary", "final", "corrected", "entered-in-error", "amended"));
                r.put("collected_at", maybe(this::ts));
                r.put("resulted_at", maybe(this::ts));
                r.put("updated_at", ts());
            }
            case "medication_orders" -> {
                r.put("encounter_id", maybe(() -> 3));
                r.put("rxnorm_code", maybe(() -> "860975"));
                r.put("medication_name", "Metformin 500 MG Oral Tablet");
                r.put("dose", maybe(() -> "500 mg"));
                r.put("route", maybe(() -> "oral"));
                r.put("frequency", maybe(() -> "twice daily"));
                r.put("status", pick("active", "on-hold", "cancelled", "completed", "stopped", "entered-in-error",
                        "odd"));
                r.put("prescriber", maybe(() -> "Dr B"));
                r.put("ordered_at", maybe(this::ts));
                r.put("updated_at", ts());
            }
            case "allergies" -> {
                r.put("substance_code", maybe(() -> "764146007"));
                r.put("substance", "Penicillin");
                r.put("reaction", maybe(() -> "Hives"));
                r.put("severity", maybe(() -> pick("mild", "moderate", "severe")));
                r.put("criticality", maybe(() -> pick("low", "high", "unable-to-assess")));
                r.put("clinical_status", pick("active", "inactive", "resolved"));
                r.put("verification_status", pick("unconfirmed", "confirmed", "refuted", "entered-in-error"));
                r.put("recorded_at", maybe(this::ts));
                r.put("updated_at", ts());
            }
            default -> {
                r.put("encounter_id", maybe(() -> 3));
                r.put("icd10_code", pick("E11.9", "I10"));
                r.put("description", maybe(() -> "Type 2 diabetes mellitus without complications"));
                r.put("category", pick("encounter-diagnosis", "problem-list-item"));
                r.put("clinical_status", pick("active", "resolved", "remission"));
                r.put("verification_status", pick("provisional", "confirmed", "refuted", "entered-in-error"));
                r.put("onset_date", maybe(() -> 20000 + random.nextInt(500)));
                r.put("recorded_at", maybe(this::ts));
                r.put("updated_at", ts());
            }
        }
        return r;
    }

    private String ts() {
        return pick("2026-01-02T03:04:05.123456Z", "2026-01-02T05:00:00Z", "2025-12-31T23:59:59.5Z",
                "2026-03-29T01:30:00Z");
    }

    private <T> T maybe(Supplier<T> s) {
        return random.nextInt(5) == 0 ? null : s.get();
    }

    @SafeVarargs
    private <T> T pick(T... values) {
        return values[random.nextInt(values.length)];
    }
}
