package org.ehrflow.chunker.chunking.render;

import static org.ehrflow.chunker.chunking.render.FhirText.concepts;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Type;

/** MedicationRequest: medication, dosage text, status and intent, authored date, reason. */
final class MedicationRequestRenderer implements ResourceRenderer {

    @Override
    public String resourceType() {
        return "MedicationRequest";
    }

    @Override
    public Rendered render(Resource resource) {
        MedicationRequest m = (MedicationRequest) resource;
        String authored = FhirText.date(m.getAuthoredOnElement());
        String text = new Sentences()
                .sentence("Medication request: " + medication(m.getMedication()))
                .add("Dosage", dosage(m.getDosageInstruction()))
                .add("Status", m.hasStatus() ? m.getStatus().toCode() : null)
                .add("Intent", m.hasIntent() ? m.getIntent().toCode() : null)
                .add("Reason", concepts(m.getReasonCode()))
                .add("Authored", authored)
                .text();
        return new Rendered(authored, text);
    }

    /** The medication's name from a concept or a reference's display. */
    static String medication(Type medication) {
        String s = FhirText.value(medication);
        return s == null ? "unspecified medication" : s;
    }

    static String dosage(List<Dosage> dosages) {
        String s = dosages.stream().map(d -> d.hasText() ? d.getText() : null).filter(Objects::nonNull)
                .collect(Collectors.joining("; "));
        return s.isEmpty() ? null : s;
    }
}
