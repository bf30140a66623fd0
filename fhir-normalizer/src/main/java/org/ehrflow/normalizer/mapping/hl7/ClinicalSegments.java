package org.ehrflow.normalizer.mapping.hl7;

import org.ehrflow.hl7.Hl7Fields;
import org.ehrflow.hl7.Segment;
import org.ehrflow.normalizer.mapping.CodeTable;
import org.ehrflow.normalizer.mapping.Ids;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Procedure;

/**
 * The patient-level clinical segments of ADT and order messages, per the V2-to-FHIR IG: AL1 -> AllergyIntolerance,
 * DG1 -> Condition (encounter diagnosis), PR1 -> Procedure. Ids come from the fact itself under the patient (see
 * {@link Ids}), not from set ids, which renumber between messages.
 */
final class ClinicalSegments {

    private static final CodeTable CATEGORY = CodeTable.load("allergy-category");
    private static final CodeTable SEVERITY = CodeTable.load("allergy-severity");
    private static final CodeTable DIAGNOSIS_TYPE = CodeTable.load("diagnosis-type");

    private ClinicalSegments() {
    }

    /** AL1 -> AllergyIntolerance, or null when AL1-3 names no allergen. */
    static AllergyIntolerance allergy(Segment al1, Hl7Context ctx) {
        CodeableConcept code = Hl7Codes.concept(al1, 3, 0); // AL1.3 allergen
        if (code == null) {
            return null;
        }
        AllergyIntolerance a = new AllergyIntolerance();
        a.setId(Ids.of("al", "AllergyIntolerance", ctx.patientKey(), identity(code)));
        a.setCode(code);
        a.setPatient(ctx.patientRef());
        a.setClinicalStatus(concept("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active"));
        String category = CATEGORY.get(Hl7Fields.get(al1, 2)); // AL1.2 allergen type
        if (category != null) {
            a.addCategory(AllergyIntolerance.AllergyIntoleranceCategory.fromCode(category));
        }
        String criticality = SEVERITY.get(Hl7Fields.get(al1, 4)); // AL1.4 severity
        if (criticality != null) {
            a.setCriticality(AllergyIntolerance.AllergyIntoleranceCriticality.fromCode(criticality));
        }
        for (int r = 0; r < Hl7Fields.reps(al1, 5); r++) {
            String reaction = Hl7Fields.get(al1, 5, r, 1, 1); // AL1.5 reaction (text)
            if (reaction != null) {
                a.addReaction().addManifestation(new CodeableConcept().setText(reaction));
            }
        }
        String onset = ctx.time().toDateTime(Hl7Fields.get(al1, 6)); // AL1.6 identification date
        if (onset != null) {
            a.getOnsetDateTimeType().setValueAsString(onset);
        }
        return a;
    }

    /** DG1 -> Condition (category encounter-diagnosis), or null when DG1-3/DG1-4 name nothing. */
    static Condition diagnosis(Segment dg1, Hl7Context ctx) {
        CodeableConcept code = Hl7Codes.concept(dg1, 3, 0); // DG1.3 diagnosis code
        String text = Hl7Fields.get(dg1, 4); // DG1.4 description (deprecated, still sent)
        if (code == null && text == null) {
            return null;
        }
        if (code == null) {
            code = new CodeableConcept().setText(text);
        }
        Condition c = new Condition();
        String identifier = Hl7Fields.get(dg1, 20, 0, 1, 1); // DG1.20 diagnosis identifier
        c.setId(identifier != null ? Ids.of("dx", "Condition", "id", identifier)
                : Ids.of("dx", "Condition", ctx.patientKey(), String.valueOf(ctx.encounterId()), identity(code)));
        c.setCode(code);
        c.setSubject(ctx.patientRef());
        if (ctx.encounterRef() != null) {
            c.setEncounter(ctx.encounterRef());
        }
        c.addCategory(concept("http://terminology.hl7.org/CodeSystem/condition-category", "encounter-diagnosis"));
        String verification = DIAGNOSIS_TYPE.get(Hl7Fields.get(dg1, 6)); // DG1.6 diagnosis type
        if (verification != null) {
            c.setVerificationStatus(concept("http://terminology.hl7.org/CodeSystem/condition-ver-status",
                    verification));
        }
        String onset = ctx.time().toDateTime(Hl7Fields.get(dg1, 5)); // DG1.5 diagnosis date/time
        if (onset != null) {
            c.getOnsetDateTimeType().setValueAsString(onset);
        }
        return c;
    }

    /** PR1 -> Procedure (status completed), or null when PR1-3/PR1-4 name nothing. */
    static Procedure procedure(Segment pr1, Hl7Context ctx) {
        CodeableConcept code = Hl7Codes.concept(pr1, 3, 0); // PR1.3 procedure code
        String text = Hl7Fields.get(pr1, 4); // PR1.4 description
        if (code == null && text == null) {
            return null;
        }
        if (code == null) {
            code = new CodeableConcept().setText(text);
        }
        String when = Hl7Fields.get(pr1, 5); // PR1.5 procedure date/time
        Procedure p = new Procedure();
        String identifier = Hl7Fields.get(pr1, 19, 0, 1, 1); // PR1.19 procedure identifier
        p.setId(identifier != null ? Ids.of("proc", "Procedure", "id", identifier)
                : Ids.of("proc", "Procedure", ctx.patientKey(), identity(code), String.valueOf(when)));
        p.setStatus(Procedure.ProcedureStatus.COMPLETED);
        p.setCode(code);
        p.setSubject(ctx.patientRef());
        if (ctx.encounterRef() != null) {
            p.setEncounter(ctx.encounterRef());
        }
        String performed = ctx.time().toDateTime(when);
        if (performed != null) {
            p.getPerformedDateTimeType().setValueAsString(performed);
        }
        return p;
    }

    /** A concept's identity for ids: its first coding's system|code, else its text. */
    static String identity(CodeableConcept cc) {
        if (cc.hasCoding()) {
            Coding c = cc.getCodingFirstRep();
            return c.getSystem() + "|" + c.getCode();
        }
        return "text|" + cc.getText();
    }

    static CodeableConcept concept(String system, String code) {
        return new CodeableConcept().addCoding(new Coding(system, code, null));
    }
}
