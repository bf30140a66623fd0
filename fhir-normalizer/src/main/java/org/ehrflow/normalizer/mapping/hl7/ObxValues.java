package org.ehrflow.normalizer.mapping.hl7;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ehrflow.hl7.Hl7Fields;
import org.ehrflow.hl7.Hl7Time;
import org.ehrflow.hl7.Segment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Ratio;
import org.hl7.fhir.r4.model.SimpleQuantity;
import org.hl7.fhir.r4.model.StringType;

/**
 * OBX-5 by value type OBX-2: NM -> valueQuantity; ST/TX/FT -> valueString (repetitions joined by newline);
 * CWE/CE/CNE/CF -> valueCodeableConcept; SN -> Quantity with comparator, Range ({@code -}) or Ratio ({@code :},
 * {@code /}); DT/TS/DTM -> valueDateTime. Other types (ED, RP, ...) and unreadable numbers leave the value out with
 * a data-absent reason. Units from OBX-6 (UCUM when OBX-6.3 says so).
 */
public final class ObxValues {

    private static final String DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason";

    private ObxValues() {
    }

    public static void apply(Segment obx, Observation o, Hl7Time time) {
        String type = Hl7Fields.get(obx, 2); // OBX.2
        String first = Hl7Fields.get(obx, 5, 0, 1, 1); // OBX.5.1
        if (Hl7Fields.reps(obx, 5) == 0) {
            return;
        }
        String t = type == null ? "ST" : type.toUpperCase(Locale.ROOT);
        switch (t) {
            case "NM" -> number(obx, first, o);
            case "ST", "TX", "FT" -> o.setValue(new StringType(text(obx)));
            case "CWE", "CE", "CNE", "CF" -> o.setValue(Hl7Codes.concept(obx, 5, 0));
            case "SN" -> structuredNumeric(obx, o);
            case "DT", "TS", "DTM" -> dateTime(time.toDateTime(first), o);
            default -> absent(o, "unsupported");
        }
    }

    /** Text of every OBX-5 repetition joined with newlines (the whole field, components included). */
    static String text(Segment obx) {
        List<String> lines = new ArrayList<>();
        for (int r = 0; r < Hl7Fields.reps(obx, 5); r++) {
            String v = Hl7Fields.get(obx, 5, r, 1, 1);
            if (v != null) {
                lines.add(v);
            }
        }
        return lines.isEmpty() ? null : String.join("\n", lines);
    }

    private static void number(Segment obx, String value, Observation o) {
        BigDecimal d = decimal(value);
        if (d == null) {
            absent(o, "error");
            return;
        }
        o.setValue(unit(obx, new Quantity().setValue(d)));
    }

    private static void structuredNumeric(Segment obx, Observation o) {
        String comparator = Hl7Fields.get(obx, 5, 0, 1, 1); // SN.1
        BigDecimal n1 = decimal(Hl7Fields.get(obx, 5, 0, 2, 1)); // SN.2
        String sep = Hl7Fields.get(obx, 5, 0, 3, 1); // SN.3
        BigDecimal n2 = decimal(Hl7Fields.get(obx, 5, 0, 4, 1)); // SN.4
        if (n1 != null && n2 != null && "-".equals(sep)) {
            o.setValue(new Range().setLow(simple(obx, n1)).setHigh(simple(obx, n2)));
        } else if (n1 != null && n2 != null && (":".equals(sep) || "/".equals(sep))) {
            o.setValue(new Ratio().setNumerator(new Quantity().setValue(n1)).setDenominator(new Quantity()
                    .setValue(n2)));
        } else if (n1 != null) {
            Quantity q = unit(obx, new Quantity().setValue(n1));
            Quantity.QuantityComparator c = comparator(comparator);
            if (c != null) {
                q.setComparator(c);
            }
            o.setValue(q);
        } else {
            absent(o, "error");
        }
    }

    private static Quantity.QuantityComparator comparator(String s) {
        if (s == null) {
            return null;
        }
        return switch (s) {
            case "<" -> Quantity.QuantityComparator.LESS_THAN;
            case "<=" -> Quantity.QuantityComparator.LESS_OR_EQUAL;
            case ">" -> Quantity.QuantityComparator.GREATER_THAN;
            case ">=" -> Quantity.QuantityComparator.GREATER_OR_EQUAL;
            default -> null;
        };
    }

    private static void dateTime(String dt, Observation o) {
        if (dt == null) {
            absent(o, "error");
        } else {
            o.setValue(new org.hl7.fhir.r4.model.DateTimeType(dt));
        }
    }

    private static SimpleQuantity simple(Segment obx, BigDecimal v) {
        SimpleQuantity q = new SimpleQuantity();
        q.setValue(v);
        unit(obx, q);
        return q;
    }

    private static Quantity unit(Segment obx, Quantity q) {
        String code = Hl7Fields.get(obx, 6, 0, 1, 1); // OBX.6.1
        String text = Hl7Fields.get(obx, 6, 0, 2, 1); // OBX.6.2
        String system = Hl7Codes.system(Hl7Fields.get(obx, 6, 0, 3, 1)); // OBX.6.3
        if (code == null && text == null) {
            return q;
        }
        q.setUnit(text != null ? text : code);
        if (code != null && system != null) {
            q.setSystem(system).setCode(code);
        }
        return q;
    }

    private static BigDecimal decimal(String s) {
        if (s == null) {
            return null;
        }
        try {
            return new BigDecimal(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void absent(Observation o, String reason) {
        o.setDataAbsentReason(new CodeableConcept().addCoding(
                new org.hl7.fhir.r4.model.Coding(DATA_ABSENT, reason, null)));
    }
}
