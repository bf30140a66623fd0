package org.ehrflow.normalizer.mapping.hl7;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Group;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Structure;
import ca.uhn.hl7v2.util.Terser;
import java.util.ArrayList;
import java.util.List;

/**
 * Structure-agnostic field access: values by (field, repetition, component, subcomponent) through the Terser, so
 * mappers work the same on typed segments of any message structure and on generic segments. HL7's explicit null
 * {@code ""} and blanks read as null.
 */
public final class Hl7Fields {

    private Hl7Fields() {
    }

    /** Field {@code field}, repetition {@code rep} (0-based), component/subcomponent (1-based). */
    public static String get(Segment s, int field, int rep, int comp, int sub) {
        try {
            if (field > s.numFields()) {
                return null;
            }
            return clean(Terser.get(s, field, rep, comp, sub));
        } catch (HL7Exception | RuntimeException e) {
            return null;
        }
    }

    /** First repetition, component {@code comp}, first subcomponent. */
    public static String get(Segment s, int field, int comp) {
        return get(s, field, 0, comp, 1);
    }

    /** First repetition, first component. */
    public static String get(Segment s, int field) {
        return get(s, field, 0, 1, 1);
    }

    /** Number of repetitions present of {@code field}. */
    public static int reps(Segment s, int field) {
        try {
            return field > s.numFields() ? 0 : s.getField(field).length;
        } catch (HL7Exception | RuntimeException e) {
            return 0;
        }
    }

    /** All non-empty segments of the message in structure order (unexpected segments stay where parsed). */
    public static List<Segment> segments(Group root) {
        List<Segment> out = new ArrayList<>();
        collect(root, out);
        return out;
    }

    private static void collect(Group g, List<Segment> out) {
        for (String name : g.getNames()) {
            Structure[] all;
            try {
                all = g.getAll(name);
            } catch (HL7Exception e) {
                continue;
            }
            for (Structure s : all) {
                if (s instanceof Group child) {
                    collect(child, out);
                } else if (s instanceof Segment seg && !isEmpty(seg)) {
                    out.add(seg);
                }
            }
        }
    }

    private static boolean isEmpty(Segment s) {
        try {
            return s.isEmpty();
        } catch (HL7Exception e) {
            return true;
        }
    }

    private static String clean(String v) {
        if (v == null) {
            return null;
        }
        String t = v.strip();
        return t.isEmpty() || t.equals("\"\"") ? null : t;
    }
}
