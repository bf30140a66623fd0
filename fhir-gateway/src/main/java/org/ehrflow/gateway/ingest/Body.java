package org.ehrflow.gateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.ehrflow.gateway.fhir.CheckedJsonReader;
import org.ehrflow.gateway.fhir.FhirCodec;
import org.ehrflow.gateway.fhir.FhirFormat;
import org.ehrflow.gateway.fhir.ParseIssue;
import org.hl7.fhir.r4.model.Resource;

/**
 * A request body that is a valid R4 resource: the JSON text the raw topic will carry (the client's own bytes for
 * JSON, HAPI's encoding for XML) and its JSON tree, on which keys and checks work. JSON is checked by
 * {@link org.ehrflow.gateway.fhir.JsonStructure} (read and checked in one pass by {@link CheckedJsonReader})
 * without building HAPI's model (the full parse costs ~7x a Jackson read on Synthea bundles);
 * the model is built only where a step needs it ({@link #model()}), and always for XML, which only HAPI reads.
 */
final class Body {

    private final String json;
    private final JsonNode tree;
    private Resource model;

    private Body(String json, JsonNode tree, Resource model) {
        this.json = json;
        this.tree = tree;
        this.model = model;
    }

    String json() {
        return json;
    }

    JsonNode tree() {
        return tree;
    }

    String type() {
        return tree.path("resourceType").asText();
    }

    /** The body's own id, or null. */
    String id() {
        String id = tree.path("id").asText("");
        return id.isEmpty() ? null : id;
    }

    /** HAPI's model of the body, parsed on first use. */
    Resource model() {
        if (model == null) {
            // Already checked by JsonStructure; a non-logging handler so nothing of the body can reach a log.
            model = (Resource) FhirCodec.context().newJsonParser()
                    .setParserErrorHandler(new ca.uhn.fhir.parser.LenientErrorHandler(false)).parseResource(json);
        }
        return model;
    }

    @Override
    public String toString() {
        return "Body[" + type() + ", " + json.length() + " chars]";
    }

    /** A JSON body whose structure the caller checks itself (R4B/R5 subscription notifications). */
    static Body unchecked(String json, JsonNode tree) {
        return new Body(json, tree, null);
    }

    /**
     * Whether the body starts as UTF-8 without a byte order mark. Jackson's byte reader would otherwise detect
     * UTF-16/32 (zero bytes) or skip a BOM, and the text the raw topic carries (decoded as UTF-8) would differ from
     * what was checked.
     */
    private static boolean plainUtf8Start(byte[] b) {
        for (int i = 0; i < Math.min(4, b.length); i++) {
            if (b[i] == 0) {
                return false;
            }
        }
        boolean bom8 = b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF;
        boolean bom16 = b.length >= 2 && ((b[0] & 0xFF) == 0xFE || (b[0] & 0xFF) == 0xFF);
        return !bom8 && !bom16;
    }

    /** The checked body, or the refusal to answer with. */
    static Object read(FhirRequest req, FhirCodec codec, CheckedJsonReader reader) {
        Optional<FhirFormat> format = FhirFormat.ofContentType(req.contentType());
        if (format.isEmpty()) {
            return Replies.unsupportedMediaType();
        }
        if (req.body().isBlank()) {
            return Replies.badRequest("the request has no body");
        }
        if (format.get() == FhirFormat.XML) {
            FhirCodec.Parsed parsed = codec.parse(req.body(), FhirFormat.XML);
            if (parsed instanceof FhirCodec.Parsed.Unparsable u) {
                return Replies.badRequest(u.why());
            }
            if (parsed instanceof FhirCodec.Parsed.Invalid i) {
                return Replies.invalid(i.issues());
            }
            Resource r = ((FhirCodec.Parsed.Ok) parsed).resource();
            String json = FhirCodec.toJson(r);
            return new Body(json, RequestPlanner.readTree(json), r);
        }
        CheckedJsonReader.Result read;
        try {
            byte[] utf8 = req.utf8();
            if (!plainUtf8Start(utf8)) {
                return Replies.badRequest("the body is not UTF-8 JSON (FHIR's encoding) without a byte order mark");
            }
            // From the bytes, tree and R4 structure check in one pass: Jackson's UTF-8 reader is faster than
            // decoding to text first, and it refuses invalid UTF-8 instead of letting replacement characters into a
            // clinical text.
            read = reader.read(utf8);
        } catch (IOException e) {
            return Replies.badRequest("the body is not a FHIR R4 JSON resource");
        }
        JsonNode tree = read.tree();
        if (tree == null || !tree.isObject()
                || !FhirCodec.isResourceType(tree.path("resourceType").asText(""))) {
            return Replies.badRequest("the body is not a FHIR R4 JSON resource");
        }
        List<ParseIssue> issues = read.issues();
        if (!issues.isEmpty()) {
            return Replies.invalid(issues);
        }
        return new Body(req.body(), tree, null);
    }
}
