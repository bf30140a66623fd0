package org.ehrflow.chunker.chunking.render;

import static org.ehrflow.chunker.chunking.render.FhirText.concept;
import static org.ehrflow.chunker.chunking.render.FhirText.concepts;

import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;

/** Procedure: code, status, when performed, reason, body site, outcome. */
final class ProcedureRenderer implements ResourceRenderer {

    @Override
    public String resourceType() {
        return "Procedure";
    }

    @Override
    public Rendered render(Resource resource) {
        Procedure p = (Procedure) resource;
        String date = FhirText.dateOf(p.getPerformed());
        String text = new Sentences()
                .sentence("Procedure: " + ObservationRenderer.orElse(concept(p.getCode()), "unspecified"))
                .add("Status", p.hasStatus() ? p.getStatus().toCode() : null)
                .add("Performed", p.hasPerformed() ? FhirText.value(p.getPerformed()) : null)
                .add("Reason", concepts(p.getReasonCode()))
                .add("Body site", concepts(p.getBodySite()))
                .add("Outcome", concept(p.getOutcome()))
                .text();
        return new Rendered(date, text);
    }
}
