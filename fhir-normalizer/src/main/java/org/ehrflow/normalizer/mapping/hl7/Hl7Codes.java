package org.ehrflow.normalizer.mapping.hl7;

import org.ehrflow.hl7.Hl7Fields;
import org.ehrflow.hl7.Segment;
import org.ehrflow.normalizer.mapping.CodeTable;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

/** CWE/CE -> CodeableConcept: the primary and alternate triplets, coding system names mapped to FHIR URIs. */
public final class Hl7Codes {

    private static final CodeTable SYSTEMS = CodeTable.load("coding-systems");

    private Hl7Codes() {
    }

    /** The concept in {@code field} repetition {@code rep}, or null if it carries neither code nor text. */
    public static CodeableConcept concept(Segment s, int field, int rep) {
        CodeableConcept cc = new CodeableConcept();
        addCoding(cc, s, field, rep, 1);
        addCoding(cc, s, field, rep, 4);
        String text = Hl7Fields.get(s, field, rep, 2, 1);
        if (text == null) {
            text = Hl7Fields.get(s, field, rep, 9, 1); // CWE.9 original text
        }
        if (text != null) {
            cc.setText(text);
        }
        return cc.isEmpty() ? null : cc;
    }

    /** FHIR system URI for an HL7 coding system name, or null if unknown (the coding then has no system). */
    public static String system(String hl7Name) {
        return SYSTEMS.get(hl7Name);
    }

    private static void addCoding(CodeableConcept cc, Segment s, int field, int rep, int first) {
        String code = Hl7Fields.get(s, field, rep, first, 1);
        if (code == null) {
            return;
        }
        Coding c = cc.addCoding().setCode(code);
        String display = Hl7Fields.get(s, field, rep, first + 1, 1);
        if (display != null) {
            c.setDisplay(display);
        }
        String system = system(Hl7Fields.get(s, field, rep, first + 2, 1));
        if (system != null) {
            c.setSystem(system);
        }
    }
}
