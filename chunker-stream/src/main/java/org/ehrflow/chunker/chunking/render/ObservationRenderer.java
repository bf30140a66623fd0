package org.ehrflow.chunker.chunking.render;

import static org.ehrflow.chunker.chunking.render.FhirText.concept;
import static org.ehrflow.chunker.chunking.render.FhirText.concepts;
import static org.ehrflow.chunker.chunking.render.FhirText.value;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;

/** Observation: code and value with unit, components (e.g. blood pressure), range, interpretation, time. */
final class ObservationRenderer implements ResourceRenderer {

    @Override
    public String resourceType() {
        return "Observation";
    }

    @Override
    public Rendered render(Resource resource) {
        Observation o = (Observation) resource;
        String code = orElse(concept(o.getCode()), "Observation");
        String value = value(o.getValue());
        if (value == null && o.hasDataAbsentReason()) {
            value = "not available (" + concept(o.getDataAbsentReason()) + ")";
        }
        List<String> components = new ArrayList<>();
        for (Observation.ObservationComponentComponent c : o.getComponent()) {
            String cv = value(c.getValue());
            String ci = concepts(c.getInterpretation());
            components.add(orElse(concept(c.getCode()), "component") + " " + orElse(cv, "not available")
                    + (ci == null ? "" : " (" + ci + ")"));
        }
        List<String> ranges = new ArrayList<>();
        for (Observation.ObservationReferenceRangeComponent r : o.getReferenceRange()) {
            String low = FhirText.quantity(r.getLow());
            String high = FhirText.quantity(r.getHigh());
            ranges.add(r.hasText() ? r.getText()
                    : low != null && high != null ? low + " to " + high
                    : low != null ? "at least " + low : high != null ? "at most " + high : null);
        }
        ranges.removeIf(Objects::isNull);
        String date = FhirText.dateOf(o.getEffective());
        if (date == null && o.hasIssued()) {
            date = FhirText.date(o.getIssuedElement());
        }
        String text = new Sentences()
                .sentence(value == null ? code : code + ": " + value)
                .add("Components", components.isEmpty() ? null : String.join("; ", components))
                .add("Reference range", ranges.isEmpty() ? null : String.join("; ", ranges))
                .add("Interpretation", concepts(o.getInterpretation()))
                .add("Category", concepts(o.getCategory()))
                .add("Effective", date)
                .add("Status", o.hasStatus() ? o.getStatus().toCode() : null)
                .text();
        return new Rendered(date, text);
    }

    static String orElse(String s, String fallback) {
        return s == null ? fallback : s;
    }
}
