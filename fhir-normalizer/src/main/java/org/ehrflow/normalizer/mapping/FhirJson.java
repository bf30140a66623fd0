package org.ehrflow.normalizer.mapping;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The process's one R4 {@link FhirContext} (expensive, thread-safe) and cheap per-call parsers (not thread-safe).
 * Encoding is compact and deterministic: the same resource model gives the same bytes.
 */
public final class FhirJson {

    private static final FhirContext CTX = FhirContext.forR4();

    static {
        // Do not fetch anything over the network while parsing or encoding.
        CTX.getParserOptions().setAutoContainReferenceTargetsWithNoId(false);
    }

    private FhirJson() {
    }

    public static FhirContext context() {
        return CTX;
    }

    /** A new parser for one call; lenient so that unknown elements do not fail a whole bundle. */
    public static IParser parser() {
        LenientErrorHandler errors = new LenientErrorHandler(false);
        errors.setErrorOnInvalidValue(false);
        return CTX.newJsonParser().setParserErrorHandler(errors);
    }

    public static String encode(IBaseResource resource) {
        return CTX.newJsonParser().setPrettyPrint(false).encodeResourceToString(resource);
    }
}
