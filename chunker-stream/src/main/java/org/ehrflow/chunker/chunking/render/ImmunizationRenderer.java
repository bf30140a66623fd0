package org.ehrflow.chunker.chunking.render;

import static org.ehrflow.chunker.chunking.render.FhirText.concept;

import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Resource;

/** Immunization: vaccine, status, when given, route and site, dose. */
final class ImmunizationRenderer implements ResourceRenderer {

    @Override
    public String resourceType() {
        return "Immunization";
    }

    @Override
    public Rendered render(Resource resource) {
        Immunization i = (Immunization) resource;
        String date = FhirText.dateOf(i.getOccurrence());
        String text = new Sentences()
                .sentence("Immunization: " + ObservationRenderer.orElse(concept(i.getVaccineCode()), "unspecified"))
                .add("Status", i.hasStatus() ? i.getStatus().toCode() : null)
                .add("Given", i.hasOccurrence() ? FhirText.value(i.getOccurrence()) : null)
                .add("Route", concept(i.getRoute()))
                .add("Site", concept(i.getSite()))
                .add("Dose", FhirText.quantity(i.getDoseQuantity()))
                .add("Reason not given", concept(i.getStatusReason()))
                .text();
        return new Rendered(date, text);
    }
}
