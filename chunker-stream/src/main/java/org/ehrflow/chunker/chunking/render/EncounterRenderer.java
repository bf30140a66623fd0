package org.ehrflow.chunker.chunking.render;

import static org.ehrflow.chunker.chunking.render.FhirText.concept;
import static org.ehrflow.chunker.chunking.render.FhirText.concepts;

import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Resource;

/** Encounter: class, type, status, period, reason, discharge disposition. */
final class EncounterRenderer implements ResourceRenderer {

    @Override
    public String resourceType() {
        return "Encounter";
    }

    @Override
    public Rendered render(Resource resource) {
        Encounter e = (Encounter) resource;
        String date = e.hasPeriod() ? FhirText.dateOf(e.getPeriod()) : null;
        String disposition = e.hasHospitalization() ? concept(e.getHospitalization().getDischargeDisposition()) : null;
        String text = new Sentences()
                .sentence("Encounter: " + ObservationRenderer.orElse(concepts(e.getType()), "visit"))
                .add("Class", FhirText.coding(e.getClass_()))
                .add("Service", concept(e.getServiceType()))
                .add("Status", e.hasStatus() ? e.getStatus().toCode() : null)
                .add("Period", FhirText.period(e.getPeriod()))
                .add("Reason", concepts(e.getReasonCode()))
                .add("Discharge disposition", disposition)
                .text();
        return new Rendered(date, text);
    }
}
