package org.ehrflow.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;

/**
 * The gateway's one R4 {@link FhirContext} (expensive, thread-safe) and per-call parsers (cheap, not thread-safe).
 * Parsing never logs or throws with payload text: findings come back as {@link ParseIssue}s.
 */
public final class FhirCodec {

    private static final FhirContext CTX = FhirContext.forR4();

    static {
        // Nothing is fetched or contained implicitly while parsing or encoding.
        CTX.getParserOptions().setAutoContainReferenceTargetsWithNoId(false);
    }

    /** R4's resource type names; HAPI builds a new set on every getResourceTypes() call, so it is kept once. */
    private static final Set<String> RESOURCE_TYPES = Set.copyOf(CTX.getResourceTypes());

    private final boolean rejectUnknownElements;

    /** @param rejectUnknownElements whether elements R4 does not define make a resource invalid */
    public FhirCodec(boolean rejectUnknownElements) {
        this.rejectUnknownElements = rejectUnknownElements;
    }

    public boolean rejectsUnknownElements() {
        return rejectUnknownElements;
    }

    /** Whether {@code name} is an R4 resource type. */
    public static boolean isResourceType(String name) {
        return RESOURCE_TYPES.contains(name);
    }

    public static FhirContext context() {
        return CTX;
    }

    /** The outcome of parsing one request body. */
    public sealed interface Parsed permits Parsed.Ok, Parsed.Invalid, Parsed.Unparsable {
        /** A resource with no findings. */
        record Ok(Resource resource) implements Parsed {
        }

        /** Well-formed, but R4 says it is wrong at these paths (422). */
        record Invalid(String resourceType, List<ParseIssue> issues) implements Parsed {
        }

        /** Not JSON/XML, or not a FHIR resource at all (400); {@code why} names no data. */
        record Unparsable(String why) implements Parsed {
        }
    }

    /** Parses {@code body} in {@code format}. */
    public Parsed parse(String body, FhirFormat format) {
        CollectingErrorHandler errors = new CollectingErrorHandler(rejectUnknownElements, rootName(body, format));
        IParser parser = (format == FhirFormat.XML ? CTX.newXmlParser() : CTX.newJsonParser())
                .setParserErrorHandler(errors);
        IBaseResource parsed;
        try {
            parsed = parser.parseResource(body);
        } catch (DataFormatException e) {
            // HAPI's message may quote the input: only say which kind of failure it was.
            return new Parsed.Unparsable("the body is not a FHIR R4 " + format + " resource");
        } catch (RuntimeException e) {
            return new Parsed.Unparsable("the body is not a FHIR R4 " + format + " resource ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (!(parsed instanceof Resource r)) {
            return new Parsed.Unparsable("the body is not a FHIR R4 resource");
        }
        List<ParseIssue> issues = errors.issues();
        return issues.isEmpty() ? new Parsed.Ok(r) : new Parsed.Invalid(r.fhirType(), issues);
    }

    /** Compact JSON, as the raw topic carries it. */
    public static String toJson(IBaseResource resource) {
        return CTX.newJsonParser().setPrettyPrint(false).encodeResourceToString(resource);
    }

    /** JSON or XML for responses. */
    public static String encode(IBaseResource resource, FhirFormat format) {
        if (format == FhirFormat.JSON) {
            Optional<String> fast = ResponseBundles.json(resource);
            if (fast.isPresent()) {
                return fast.get();
            }
        }
        IParser p = format == FhirFormat.XML ? CTX.newXmlParser() : CTX.newJsonParser();
        return p.setPrettyPrint(false).encodeResourceToString(resource);
    }

    /** The root resource type for issue paths: a known R4 type or "Resource" (the name is the client's text). */
    private static String rootName(String body, FhirFormat format) {
        String n = rawRootName(body, format);
        return RESOURCE_TYPES.contains(n) ? n : "Resource";
    }

    private static String rawRootName(String body, FhirFormat format) {
        // Only for issue paths; the parse itself decides what the resource is.
        if (format == FhirFormat.JSON) {
            int i = body.indexOf("\"resourceType\"");
            if (i >= 0) {
                int q1 = body.indexOf('"', body.indexOf(':', i) + 1);
                int q2 = q1 < 0 ? -1 : body.indexOf('"', q1 + 1);
                if (q2 > q1 && q2 - q1 < 64) {
                    return body.substring(q1 + 1, q2);
                }
            }
        } else {
            int lt = body.indexOf('<');
            while (lt >= 0 && lt + 1 < body.length() && (body.charAt(lt + 1) == '?' || body.charAt(lt + 1) == '!')) {
                lt = body.indexOf('<', lt + 1);
            }
            if (lt >= 0) {
                int end = lt + 1;
                while (end < body.length() && Character.isLetter(body.charAt(end))) {
                    end++;
                }
                if (end - lt - 1 > 0 && end - lt < 64) {
                    return body.substring(lt + 1, end);
                }
            }
        }
        return "Resource";
    }
}
