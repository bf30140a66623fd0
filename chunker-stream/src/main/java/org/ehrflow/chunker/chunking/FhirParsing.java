package org.ehrflow.chunker.chunking;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * FHIR R4 JSON parsing: one {@link FhirContext} per process (expensive, thread-safe), a parser per call (cheap,
 * not thread-safe). Lenient about unknown elements (a newer normaliser may add some) and silent: HAPI's default
 * error handler logs offending values, which are PHI.
 */
public final class FhirParsing {

    private static final FhirContext CONTEXT = FhirContext.forR4Cached();

    private FhirParsing() {
    }

    /** The resource in {@code json}; throws HAPI's DataFormatException (message may echo payload) on bad input. */
    public static IBaseResource parse(String json) {
        IParser parser = CONTEXT.newJsonParser();
        parser.setParserErrorHandler(new LenientErrorHandler(false));
        return parser.parseResource(json);
    }

    public static FhirContext context() {
        return CONTEXT;
    }
}
