package org.ehrflow.chunker.chunking.render;

import static org.ehrflow.chunker.chunking.render.FhirText.concept;
import static org.ehrflow.chunker.chunking.render.FhirText.concepts;

import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Resource;

/** Condition: code, clinical and verification status, onset and abatement, severity. */
final class ConditionRenderer implements ResourceRenderer {

    @Override
    public String resourceType() {
        return "Condition";
    }

    @Override
    public Rendered render(Resource resource) {
        Condition c = (Condition) resource;
        String onset = c.hasOnset() ? FhirText.value(c.getOnset()) : null;
        String abatement = c.hasAbatement() ? FhirText.value(c.getAbatement()) : null;
        String recorded = FhirText.date(c.getRecordedDateElement());
        String date = FhirText.dateOf(c.getOnset());
        String text = new Sentences()
                .sentence("Condition: " + ObservationRenderer.orElse(concept(c.getCode()), "unspecified"))
                .add("Clinical status", concept(c.getClinicalStatus()))
                .add("Verification status", concept(c.getVerificationStatus()))
                .add("Severity", concept(c.getSeverity()))
                .add("Body site", concepts(c.getBodySite()))
                .add("Category", concepts(c.getCategory()))
                .add("Onset", onset)
                .add("Abatement", abatement)
                .add("Recorded", recorded)
                .text();
        return new Rendered(date != null ? date : recorded, text);
    }
}
