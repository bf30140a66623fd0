package org.ehrflow.chunker.chunking.render;

import static org.ehrflow.chunker.chunking.render.FhirText.concept;

import java.util.Objects;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

/**
 * Patient: a short demographic sentence (gender, birth date, deceased, marital status, language). Never names,
 * identifiers, addresses or telecom: those are for matching, not for retrieval text.
 */
final class PatientRenderer implements ResourceRenderer {

    @Override
    public String resourceType() {
        return "Patient";
    }

    @Override
    public Rendered render(Resource resource) {
        Patient p = (Patient) resource;
        String deceased = null;
        if (p.hasDeceased()) {
            deceased = p.getDeceased() instanceof BooleanType b ? (b.booleanValue() ? "yes" : null)
                    : FhirText.value(p.getDeceased());
        }
        String languages = p.getCommunication().stream().map(c -> concept(c.getLanguage())).filter(Objects::nonNull)
                .collect(Collectors.joining(", "));
        String text = new Sentences()
                .sentence("Patient demographics")
                .add("Gender", p.hasGender() ? p.getGender().toCode() : null)
                .add("Birth date", FhirText.date(p.getBirthDateElement()))
                .add("Deceased", deceased)
                .add("Marital status", concept(p.getMaritalStatus()))
                .add("Language", languages.isEmpty() ? null : languages)
                .text();
        return new Rendered(null, text);
    }
}
