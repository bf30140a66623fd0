package org.ehrflow.hl7;

import java.util.ArrayList;
import java.util.List;

/**
 * The patient identifier candidates of a PID segment (and any CX list, e.g. MRG-1), read once for the listener's
 * raw key and the normaliser's patient key, so both are equal by construction. Which candidate becomes the key is
 * not decided here: that is runtime's {@code PatientKeyResolver.hl7PatientKey(primary, alternates)}.
 *
 * <p>An identifier without CX-4 belongs to the sending facility (MSH-4.1, else MSH-3.1); PID-2 (pre-2.3 external
 * id) is primary only when PID-3 names no value; HL7's explicit null {@code ""} counts as empty.
 */
public final class PidIdentifiers {

    /**
     * One CX repetition.
     *
     * @param value     CX-1
     * @param authority CX-4.1, else CX-4.2, else the message's default authority
     * @param type      CX-5 (null if absent)
     */
    public record Cx(String value, String authority, String type) {
        @Override
        public String toString() {
            return "Cx[" + authority + ", " + type + ", <value hidden>]"; // the value is PHI
        }
    }

    private PidIdentifiers() {
    }

    /** The repetitions of CX list field {@code field} of {@code s} that name a value. */
    public static List<Cx> field(Segment s, int field, String defaultAuthority) {
        List<Cx> out = new ArrayList<>();
        for (int r = 0; r < Hl7Fields.reps(s, field); r++) {
            String value = Hl7Fields.get(s, field, r, 1, 1);
            if (value == null) {
                continue;
            }
            String authority = Hl7Fields.get(s, field, r, 4, 1);
            if (authority == null) {
                authority = Hl7Fields.get(s, field, r, 4, 2);
            }
            if (authority == null) {
                authority = defaultAuthority;
            }
            out.add(new Cx(value, authority, Hl7Fields.get(s, field, r, 5, 1)));
        }
        return out;
    }

    /** PID-3, or PID-2 when PID-3 names no value. */
    public static List<Cx> primary(Segment pid, String defaultAuthority) {
        List<Cx> pid3 = field(pid, 3, defaultAuthority);
        return pid3.isEmpty() ? field(pid, 2, defaultAuthority) : pid3;
    }

    /**
     * What only the resolver's fallback tier reads: PID-2 when PID-3 named a value (else PID-2 already is the
     * primary list), then PID-4 (Epic orders carry the patient only there, typed EPI).
     */
    public static List<Cx> alternates(Segment pid, String defaultAuthority) {
        List<Cx> out = new ArrayList<>();
        if (!field(pid, 3, defaultAuthority).isEmpty()) {
            out.addAll(field(pid, 2, defaultAuthority));
        }
        out.addAll(field(pid, 4, defaultAuthority));
        return out;
    }

    /** Authority of identifiers without CX-4: MSH-4.1, else MSH-3.1 (null if both are empty). */
    public static String defaultAuthority(Segment msh) {
        String facility = Hl7Fields.get(msh, 4);
        return facility != null ? facility : Hl7Fields.get(msh, 3);
    }
}
