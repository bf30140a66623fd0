package org.ehrflow.documents.mapping;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * FHIR R4 JSON parsing: one {@link FhirContext} per process (expensive, thread-safe), a parser per call (cheap,
 * not thread-safe). Lenient and silent: HAPI's default error handler logs offending values, which are PHI.
 */
public final class FhirJson {

    private static final FhirContext CONTEXT = FhirContext.forR4Cached();

    private FhirJson() {
    }

    public static IBaseResource parse(String json) {
        IParser parser = CONTEXT.newJsonParser();
        parser.setParserErrorHandler(new LenientErrorHandler(false));
        return parser.parseResource(json);
    }
}
