package org.ehrflow.chunker.chunking.render;

import org.hl7.fhir.r4.model.Resource;

/** Renders one structured FHIR resource type as plain clinical sentences (no patient names, no identifiers). */
public interface ResourceRenderer {

    /** The FHIR type this renderer handles, e.g. "Observation". */
    String resourceType();

    /** The resource as text; {@code resource} is of {@link #resourceType()}. */
    Rendered render(Resource resource);
}
