package org.ehrflow.chunker.chunking.render;

import static org.ehrflow.chunker.chunking.render.FhirText.concept;
import static org.ehrflow.chunker.chunking.render.FhirText.concepts;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Resource;

/** AllergyIntolerance: substance, category, criticality, reactions with severity, status. */
final class AllergyIntoleranceRenderer implements ResourceRenderer {

    @Override
    public String resourceType() {
        return "AllergyIntolerance";
    }

    @Override
    public Rendered render(Resource resource) {
        AllergyIntolerance a = (AllergyIntolerance) resource;
        String substance = concept(a.getCode());
        List<String> reactions = new ArrayList<>();
        for (AllergyIntolerance.AllergyIntoleranceReactionComponent r : a.getReaction()) {
            if (substance == null) {
                substance = concept(r.getSubstance());
            }
            String m = concepts(r.getManifestation());
            if (m != null) {
                reactions.add(r.hasSeverity() ? m + " (" + r.getSeverity().toCode() + ")" : m);
            }
        }
        String categories = a.getCategory().stream().map(c -> c.getValue() == null ? null : c.getValue().toCode())
                .filter(Objects::nonNull).collect(Collectors.joining(", "));
        String recorded = FhirText.date(a.getRecordedDateElement());
        String onset = FhirText.dateOf(a.getOnset());
        String text = new Sentences()
                .sentence("Allergy or intolerance: " + ObservationRenderer.orElse(substance, "unspecified substance"))
                .add("Type", a.hasType() ? a.getType().toCode() : null)
                .add("Category", categories.isEmpty() ? null : categories)
                .add("Criticality", a.hasCriticality() ? a.getCriticality().toCode() : null)
                .add("Reaction", reactions.isEmpty() ? null : String.join("; ", reactions))
                .add("Clinical status", concept(a.getClinicalStatus()))
                .add("Verification status", concept(a.getVerificationStatus()))
                .add("Onset", onset)
                .add("Recorded", recorded)
                .text();
        return new Rendered(onset != null ? onset : recorded, text);
    }
}
