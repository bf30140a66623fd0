package org.ehrflow.chunker.chunking.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

class RenderersTest {

    private static CodeableConcept cc(String display) {
        return new CodeableConcept().addCoding(new Coding("http://example.org", "c", display));
    }

    private static Rendered render(Resource r) {
        return Renderers.forType(r.fhirType()).orElseThrow().render(r);
    }

    @Test
    void observationWithValueRangeAndInterpretation() {
        Observation o = new Observation();
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.setCode(cc("Potassium"));
        o.setValue(new Quantity().setValue(new BigDecimal("5.912345")).setUnit("mmol/L")); // device noise: 4 digits
        o.addReferenceRange().setLow(new Quantity().setValue(3.5).setUnit("mmol/L"))
                .setHigh(new Quantity().setValue(5.1).setUnit("mmol/L"));
        o.addInterpretation(cc("High"));
        o.setEffective(new DateTimeType("2024-01-02T08:30:00Z"));
        Rendered r = render(o);
        assertThat(r.text()).isEqualTo("Potassium: 5.912 mmol/L. Reference range: 3.5 mmol/L to 5.1 mmol/L. "
                + "Interpretation: High. Effective: 2024-01-02. Status: final.");
        assertThat(r.date()).isEqualTo("2024-01-02");
    }

    @Test
    void bloodPressureComponents() {
        Observation o = new Observation();
        o.setCode(cc("Blood pressure panel"));
        o.addComponent().setCode(cc("Systolic")).setValue(new Quantity().setValue(120).setUnit("mm[Hg]"));
        o.addComponent().setCode(cc("Diastolic")).setValue(new Quantity().setValue(80).setUnit("mm[Hg]"));
        assertThat(render(o).text())
                .isEqualTo("Blood pressure panel. Components: Systolic 120 mm[Hg]; Diastolic 80 mm[Hg].");
    }

    @Test
    void condition() {
        Condition c = new Condition();
        c.setCode(cc("Type 2 diabetes mellitus"));
        c.setClinicalStatus(cc("Active"));
        c.setOnset(new DateTimeType("2019-05-01"));
        c.setAbatement(new DateTimeType("2021-06-01"));
        Rendered r = render(c);
        assertThat(r.text()).isEqualTo("Condition: Type 2 diabetes mellitus. Clinical status: Active. "
                + "Onset: 2019-05-01. Abatement: 2021-06-01.");
        assertThat(r.date()).isEqualTo("2019-05-01");
    }

    @Test
    void medicationRequestAndStatement() {
        MedicationRequest m = new MedicationRequest();
        m.setMedication(cc("Metformin 500 MG Oral Tablet"));
        m.addDosageInstruction(new Dosage().setText("1 tablet twice daily"));
        m.setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE);
        m.setAuthoredOnElement(new DateTimeType("2024-02-03T10:00:00Z"));
        assertThat(render(m).text()).isEqualTo("Medication request: Metformin 500 MG Oral Tablet. "
                + "Dosage: 1 tablet twice daily. Status: active. Authored: 2024-02-03.");

        MedicationStatement s = new MedicationStatement();
        s.setMedication(new Reference().setDisplay("Aspirin 81 mg"));
        s.setStatus(MedicationStatement.MedicationStatementStatus.ACTIVE);
        s.addDosage(new Dosage().setText("daily"));
        assertThat(render(s).text()).isEqualTo("Medication statement: Aspirin 81 mg. Dosage: daily. Status: active.");
    }

    @Test
    void allergyIntolerance() {
        AllergyIntolerance a = new AllergyIntolerance();
        a.setCode(cc("Penicillin"));
        a.setCriticality(AllergyIntolerance.AllergyIntoleranceCriticality.HIGH);
        a.addReaction().addManifestation(cc("Hives"))
                .setSeverity(AllergyIntolerance.AllergyIntoleranceSeverity.MODERATE);
        assertThat(render(a).text()).isEqualTo("Allergy or intolerance: Penicillin. Criticality: high. "
                + "Reaction: Hives (moderate).");
    }

    @Test
    void procedureImmunizationEncounter() {
        Procedure p = new Procedure();
        p.setCode(cc("Appendectomy"));
        p.setStatus(Procedure.ProcedureStatus.COMPLETED);
        p.setPerformed(new DateTimeType("2020-03-04T12:00:00Z"));
        assertThat(render(p).text()).isEqualTo("Procedure: Appendectomy. Status: completed. Performed: 2020-03-04.");

        Immunization i = new Immunization();
        i.setVaccineCode(cc("Influenza, seasonal"));
        i.setStatus(Immunization.ImmunizationStatus.COMPLETED);
        i.setOccurrence(new DateTimeType("2021-10-01"));
        assertThat(render(i).text()).isEqualTo("Immunization: Influenza, seasonal. Status: completed. "
                + "Given: 2021-10-01.");

        Encounter e = new Encounter();
        e.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "EMER", "emergency"));
        e.addType(cc("Emergency room admission"));
        e.setStatus(Encounter.EncounterStatus.FINISHED);
        e.setPeriod(new Period().setStartElement(new DateTimeType("2022-01-01T10:00:00Z"))
                .setEndElement(new DateTimeType("2022-01-03T10:00:00Z")));
        e.addReasonCode(cc("Chest pain"));
        assertThat(render(e).text()).isEqualTo("Encounter: Emergency room admission. Class: emergency. "
                + "Status: finished. Period: from 2022-01-01 to 2022-01-03. Reason: Chest pain.");
    }

    @Test
    void diagnosticReportWithoutText() {
        DiagnosticReport d = new DiagnosticReport();
        d.setCode(cc("Lipid panel"));
        d.setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL);
        d.setConclusion("LDL above target.");
        d.addResult(new Reference("Observation/1"));
        d.addResult(new Reference("Observation/2"));
        assertThat(render(d).text()).isEqualTo("Diagnostic report: Lipid panel. Status: final. "
                + "Conclusion: LDL above target. 2 results reported.");
    }

    @Test
    void patientIsADemographicSentenceWithoutTheName() {
        Patient p = new Patient();
        p.addName(new HumanName().setFamily("Sentinelfamily").addGiven("Sentinelgiven"));
        p.setGender(Enumerations.AdministrativeGender.FEMALE);
        p.setBirthDateElement(new DateType("1950-02-03"));
        String text = render(p).text();
        assertThat(text).isEqualTo("Patient demographics. Gender: female. Birth date: 1950-02-03.");
        assertThat(text).doesNotContain("Sentinel");
    }

    @Test
    void otherTypesAreNotRendered() {
        assertThat(Renderers.forType("Claim")).isEmpty();
        assertThat(Renderers.forType("Organization")).isEmpty();
    }
}
