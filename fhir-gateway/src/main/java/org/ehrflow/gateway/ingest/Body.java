package org.ehrflow.gateway.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.ehrflow.gateway.fhir.FhirCodec;
import org.ehrflow.gateway.fhir.FhirFormat;
import org.ehrflow.schemas.Json;
import org.hl7.fhir.r4.model.Resource;

/**
 * A request body that parsed as a valid R4 resource: the HAPI model (for checks), the JSON text the raw topic will
 * carry (the client's own bytes for JSON, HAPI's encoding for XML) and its JSON tree (for keys, as the FHIR path
 * has always derived them).
 */
record Body(Resource resource, String json, JsonNode tree) {

    @Override
    public String toString() {
        return "Body[" + resource.fhirType() + ", " + json.length() + " chars]";
    }

    /** The parsed body, or the refusal to answer with. */
    static Object read(FhirRequest req, FhirCodec codec) {
        Optional<FhirFormat> format = FhirFormat.ofContentType(req.contentType());
        if (format.isEmpty()) {
            return Replies.unsupportedMediaType();
        }
        if (req.body().isBlank()) {
            return Replies.badRequest("the request has no body");
        }
        FhirCodec.Parsed parsed = codec.parse(req.body(), format.get());
        if (parsed instanceof FhirCodec.Parsed.Unparsable u) {
            return Replies.badRequest(u.why());
        }
        if (parsed instanceof FhirCodec.Parsed.Invalid i) {
            return Replies.invalid(i.issues());
        }
        Resource r = ((FhirCodec.Parsed.Ok) parsed).resource();
        String json = format.get() == FhirFormat.JSON ? req.body() : FhirCodec.toJson(r);
        try {
            return new Body(r, json, Json.MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            return Replies.badRequest("the body is not JSON");
        }
    }
}
