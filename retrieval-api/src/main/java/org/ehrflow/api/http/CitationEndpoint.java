package org.ehrflow.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.ehrflow.api.auth.AccessPolicy;
import org.ehrflow.api.auth.TextLevel;
import org.ehrflow.api.store.CitationStore;
import org.ehrflow.api.store.Readers;
import org.ehrflow.api.store.RetrievalSets;

/**
 * {@code POST /v1/citations/verify}: for each citation an answer used, whether it was in the retrieval set of
 * {@code retrieval_id} (a citation outside it was not retrieved: hallucinated) and whether the cited resource is
 * still current (not deleted, superseded or entered-in-error). The caller must be allowed to read the
 * retrieval's patient now; a retrieval id alone grants nothing.
 */
public final class CitationEndpoint implements Endpoint {

    private static final int MAX_CITATIONS = 200;

    private final AccessPolicy policy;
    private final Readers readers;
    private final RetrievalSets sets;

    public CitationEndpoint(AccessPolicy policy, Readers readers, RetrievalSets sets) {
        this.policy = policy;
        this.readers = readers;
        this.sets = sets;
    }

    private record Cited(String chunkId, String resource, String version) {
    }

    @Override
    public ObjectNode handle(RequestContext ctx) throws ApiException, SQLException {
        UUID retrievalId = retrievalId(ctx.body().get("retrieval_id"));
        List<Cited> cited = citations(ctx.body().get("citations"));
        RetrievalSets.RetrievalSet set = sets.find(retrievalId).orElseThrow(() -> new ApiException(404,
                "retrieval_unknown", "no allowed retrieval has this id"));
        ctx.patient(set.patientKey());
        TextLevel level = policy.decide(ctx.caller(), set.patientKey()).orElseThrow(() -> ApiException.forbidden(
                "patient_not_allowed", "the token does not allow reading this retrieval's patient"));
        ctx.textLevel(level);
        List<String> refs = new ArrayList<>(new LinkedHashSet<>(cited.stream().map(Cited::resource).toList()));
        Map<String, CitationStore.Current> now = readers.forPatient(level, set.patientKey(),
                c -> CitationStore.current(c, level, set.patientKey(), refs));
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("retrieval_id", retrievalId.toString());
        ArrayNode results = out.putArray("results");
        boolean allValid = true;
        for (Cited ci : cited) {
            boolean inSet = set.resourceRefs().contains(ci.resource())
                    && (ci.chunkId() == null || set.chunkIds().contains(ci.chunkId()));
            String status = status(now.get(ci.resource()), ci.version());
            allValid &= inSet && "current".equals(status);
            ObjectNode r = results.addObject();
            r.put("resource", ci.resource());
            r.put("chunk_id", ci.chunkId());
            r.put("in_retrieval_set", inSet);
            r.put("current", "current".equals(status));
            r.put("status", status);
        }
        out.put("all_valid", allValid);
        ctx.returned(List.of(), refs, cited.size());
        return out;
    }

    static String status(CitationStore.Current c, String citedVersion) {
        if (c == null || !c.exists()) {
            return "deleted";
        }
        if ("entered-in-error".equals(c.status())) {
            return "entered-in-error";
        }
        if (citedVersion != null && c.version() != null && !citedVersion.equals(c.version())) {
            return "superseded";
        }
        return "current";
    }

    private static UUID retrievalId(JsonNode n) throws ApiException {
        try {
            if (n != null && n.isTextual()) {
                return UUID.fromString(n.asText());
            }
        } catch (IllegalArgumentException e) {
            // falls through to the refusal
        }
        throw ApiException.badRequest("retrieval_id_invalid", "retrieval_id must be the UUID a retrieval returned");
    }

    private static List<Cited> citations(JsonNode n) throws ApiException {
        if (n == null || !n.isArray() || n.isEmpty() || n.size() > MAX_CITATIONS) {
            throw ApiException.badRequest("citations_invalid", "citations must be an array of 1 to "
                    + MAX_CITATIONS + " objects");
        }
        List<Cited> out = new ArrayList<>();
        for (JsonNode c : n) {
            JsonNode res = c.get("resource");
            if (!c.isObject() || res == null || !res.isTextual() || res.asText().isBlank()
                    || res.asText().length() > 256) {
                throw ApiException.badRequest("citations_invalid", "each citation needs a resource (\"Type/id\")");
            }
            out.add(new Cited(optional(c, "chunk_id"), res.asText(), optional(c, "version")));
        }
        return out;
    }

    private static String optional(JsonNode c, String field) throws ApiException {
        JsonNode v = c.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.asText().length() > 256) {
            throw ApiException.badRequest("citations_invalid", field + " must be a string");
        }
        return v.asText();
    }
}
