package org.ehrflow.chunker.chunking.render;

import static org.ehrflow.chunker.chunking.render.FhirText.concepts;

import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Resource;

/** MedicationStatement: medication, dosage text, status, when taken, reason. */
final class MedicationStatementRenderer implements ResourceRenderer {

    @Override
    public String resourceType() {
        return "MedicationStatement";
    }

    @Override
    public Rendered render(Resource resource) {
        MedicationStatement m = (MedicationStatement) resource;
        String effective = m.hasEffective() ? FhirText.value(m.getEffective()) : null;
        String date = FhirText.dateOf(m.getEffective());
        if (date == null) {
            date = FhirText.date(m.getDateAssertedElement());
        }
        String text = new Sentences()
                .sentence("Medication statement: " + MedicationRequestRenderer.medication(m.getMedication()))
                .add("Dosage", MedicationRequestRenderer.dosage(m.getDosage()))
                .add("Status", m.hasStatus() ? m.getStatus().toCode() : null)
                .add("Reason", concepts(m.getReasonCode()))
                .add("Effective", effective)
                .add("Asserted", FhirText.date(m.getDateAssertedElement()))
                .text();
        return new Rendered(date, text);
    }
}
