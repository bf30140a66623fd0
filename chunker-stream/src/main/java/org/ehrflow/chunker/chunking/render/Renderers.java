package org.ehrflow.chunker.chunking.render;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The structured resource types the chunker renders as sentences, by FHIR type name. */
public final class Renderers {

    private static final Map<String, ResourceRenderer> BY_TYPE = List.of(
            new ObservationRenderer(), new ConditionRenderer(), new MedicationRequestRenderer(),
            new MedicationStatementRenderer(), new AllergyIntoleranceRenderer(), new ProcedureRenderer(),
            new ImmunizationRenderer(), new EncounterRenderer(), new DiagnosticReportRenderer(),
            new PatientRenderer())
            .stream().collect(Collectors.toUnmodifiableMap(ResourceRenderer::resourceType, Function.identity()));

    private Renderers() {
    }

    /** The renderer for {@code resourceType}, if the chunker renders that type. */
    public static Optional<ResourceRenderer> forType(String resourceType) {
        return Optional.ofNullable(BY_TYPE.get(resourceType));
    }
}
