package org.ehrflow.chunker.chunking.aggregate;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ehrflow.chunker.chunking.render.FhirText;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;

/** How a result reads on its series line: a compact value and interpretation flag. Pure. */
final class SeriesValues {

    private static final String SYSTOLIC = "8480-6";
    private static final String DIASTOLIC = "8462-4";

    private SeriesValues() {
    }

    // The value, else blood pressure as "systolic/diastolic unit", else the components as "name value; ...".
    static String value(Observation o) {
        String v = FhirText.value(o.getValue());
        if (v != null || !o.hasComponent()) {
            return v;
        }
        Observation.ObservationComponentComponent sys = component(o, SYSTOLIC);
        Observation.ObservationComponentComponent dia = component(o, DIASTOLIC);
        if (sys != null && dia != null && sys.hasValueQuantity() && dia.hasValueQuantity()) {
            String s = FhirText.quantity(sys.getValueQuantity());
            String d = FhirText.quantity(dia.getValueQuantity());
            String unit = sys.getValueQuantity().hasUnit() ? " " + sys.getValueQuantity().getUnit() : "";
            if (s != null && d != null && !unit.isEmpty() && s.endsWith(unit) && d.endsWith(unit)) {
                return s.substring(0, s.length() - unit.length()) + "/" + d;
            }
        }
        List<String> parts = new ArrayList<>();
        for (Observation.ObservationComponentComponent c : o.getComponent()) {
            String cv = FhirText.value(c.getValue());
            if (cv != null) {
                parts.add(Optional.ofNullable(FhirText.concept(c.getCode())).orElse("component") + " " + cv);
            }
        }
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    private static Observation.ObservationComponentComponent component(Observation o, String loinc) {
        return o.getComponent().stream().filter(c -> c.getCode().getCoding().stream()
                .anyMatch(x -> ObservationSeries.LOINC.equals(x.getSystem()) && loinc.equals(x.getCode())))
                .findFirst().orElse(null);
    }

    // Short interpretation codes ("H", "LL", "A") as they are; longer ones by their display.
    static String flag(List<CodeableConcept> interpretation) {
        for (CodeableConcept cc : interpretation) {
            for (Coding c : cc.getCoding()) {
                if (c.hasCode() && c.getCode().length() <= 3) {
                    return c.getCode();
                }
            }
            String text = FhirText.concept(cc);
            if (text != null) {
                return text;
            }
        }
        return null;
    }
}
