package org.ehrflow.chunker.chunking.render;

import static org.ehrflow.chunker.chunking.render.FhirText.concept;
import static org.ehrflow.chunker.chunking.render.FhirText.concepts;

import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Resource;

/** DiagnosticReport without report text: code, category, status, date, conclusion, number of results. */
final class DiagnosticReportRenderer implements ResourceRenderer {

    @Override
    public String resourceType() {
        return "DiagnosticReport";
    }

    @Override
    public Rendered render(Resource resource) {
        DiagnosticReport d = (DiagnosticReport) resource;
        String date = FhirText.dateOf(d.getEffective());
        if (date == null) {
            date = FhirText.date(d.getIssuedElement());
        }
        int results = d.getResult().size();
        String text = new Sentences()
                .sentence("Diagnostic report: " + ObservationRenderer.orElse(concept(d.getCode()), "unspecified"))
                .add("Category", concepts(d.getCategory()))
                .add("Status", d.hasStatus() ? d.getStatus().toCode() : null)
                .add("Effective", date)
                .add("Conclusion", d.getConclusion())
                .add("Coded conclusion", concepts(d.getConclusionCode()))
                .sentence(results == 0 ? null : results + (results == 1 ? " result" : " results") + " reported")
                .text();
        return new Rendered(date, text);
    }
}
