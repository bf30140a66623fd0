package org.ehrflow.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.ehrflow.api.auth.AccessPolicy;
import org.ehrflow.api.auth.TextLevel;
import org.ehrflow.api.search.Hit;
import org.ehrflow.api.search.SearchBackend;
import org.ehrflow.api.search.SearchQuery;
import org.ehrflow.api.store.Freshness;
import org.ehrflow.api.store.Readers;
import org.ehrflow.embedding.Embedder;

/**
 * {@code POST /v1/retrieve}: authorizes the caller for the named patient, embeds the question with the sink's
 * model, optionally waits until a source event is searchable, searches through the {@link SearchBackend} on the
 * reader login of the caller's text level, and answers hits with citations under a {@code retrieval_id} (the
 * request id, which citation verification later looks up in the audit trail).
 */
public final class RetrieveEndpoint implements Endpoint {

    /** Limits a request is checked against. */
    public record Limits(int defaultK, int maxK, Duration maxFreshnessWait, int maxQueryChars) {
    }

    private final AccessPolicy policy;
    private final Embedder embedder;
    private final SearchBackend backend;
    private final Readers readers;
    private final Limits limits;

    public RetrieveEndpoint(AccessPolicy policy, Embedder embedder, SearchBackend backend, Readers readers,
            Limits limits) {
        this.policy = policy;
        this.embedder = embedder;
        this.backend = backend;
        this.readers = readers;
        this.limits = limits;
    }

    @Override
    public ObjectNode handle(RequestContext ctx) throws ApiException, SQLException {
        JsonNode body = ctx.body();
        String patientKey = PatientRef.key(body.get("patient"));
        ctx.patient(patientKey);
        String query = text(body.get("query"));
        int k = k(body.get("k"));
        ctx.query(query, k);
        String mode = mode(body.get("mode"));
        Map<String, String> filters = filters(body.get("filters"));
        JsonNode freshness = body.get("freshness");
        String waitFor = freshness == null ? null : sourceMessageId(freshness);
        Duration wait = freshness == null ? Duration.ZERO : waitMs(freshness);
        TextLevel level = policy.decide(ctx.caller(), patientKey).orElseThrow(() -> ApiException.forbidden(
                "patient_not_allowed", "the token does not allow reading this patient"));
        ctx.textLevel(level);
        // embedQuery: an asymmetric model (BGE) needs its query instruction; concurrent questions share a call
        float[] vector = embedder.embedQuery(query);
        SearchQuery q = new SearchQuery(patientKey, query, vector, embedder.modelName(), k, level, mode, filters);
        boolean[] fresh = {true};
        List<Hit> hits = readers.forPatient(level, patientKey, c -> {
            if (waitFor != null) {
                fresh[0] = Freshness.waitFor(c, patientKey, waitFor, wait);
            }
            return backend.search(c, q);
        });
        return reply(ctx, level, mode, hits, waitFor, fresh[0]);
    }

    private ObjectNode reply(RequestContext ctx, TextLevel level, String mode, List<Hit> hits, String waitFor,
            boolean fresh) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("retrieval_id", ctx.requestId().toString());
        out.put("patient_key", ctx.patientKey);
        out.put("text_level", level.name().toLowerCase(Locale.ROOT));
        out.put("model", embedder.modelName());
        out.put("mode", mode);
        if (waitFor != null) {
            out.putObject("freshness").put("source_message_id", waitFor).put("indexed", fresh);
        }
        ArrayNode arr = out.putArray("hits");
        List<String> chunkIds = new ArrayList<>();
        Set<String> refs = new LinkedHashSet<>();
        int rank = 1;
        for (Hit h : hits) {
            ObjectNode n = arr.addObject();
            n.put("rank", rank++);
            n.put("chunk_id", h.chunkId());
            n.put("score", 1.0 - h.distance());
            n.put("distance", h.distance());
            // the field name itself says which text it is: a de-identified reply never has a "text" member
            n.put(level == TextLevel.RAW ? "text" : "deidentified_text", h.text());
            n.put("resource_type", h.resourceType());
            n.put("section", h.section());
            n.put("note_type", h.noteType());
            n.put("source_type", h.sourceType());
            n.put("source_message_id", h.sourceMessageId());
            n.put("event_time", h.eventTime() == null ? null : h.eventTime().toString());
            ArrayNode cites = n.putArray("citations");
            for (Hit.Citation c : h.citations()) {
                cites.addObject().put("chunk_id", c.chunkId()).put("resource", c.resource()).put("version",
                        c.version());
                refs.add(c.resource());
            }
            n.set("sources", Json.MAPPER.valueToTree(h.sources()));
            document(n, h.place());
            chunkIds.add(h.chunkId());
        }
        ctx.returned(chunkIds, new ArrayList<>(refs), hits.size());
        return out;
    }

    /** Page(s), section code, attachment and OCR flags of a chunk from an extracted document (no PHI). */
    private static void document(ObjectNode n, Hit.DocumentPlace p) {
        if (p == null) {
            return;
        }
        ObjectNode d = n.putObject("document");
        d.put("page_start", p.pageStart());
        d.put("page_end", p.pageEnd());
        d.put("section_code", p.sectionCode());
        d.put("part", p.part());
        d.put("ocr", p.ocr());
        d.put("ocr_confidence", p.ocrConfidence());
        d.put("ocr_low_confidence", p.ocrLowConfidence());
    }

    private String text(JsonNode n) throws ApiException {
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw ApiException.badRequest("query_missing", "query must be a non-empty string");
        }
        if (n.asText().length() > limits.maxQueryChars()) {
            throw ApiException.badRequest("query_too_long", "query exceeds " + limits.maxQueryChars() + " characters");
        }
        return n.asText();
    }

    private int k(JsonNode n) throws ApiException {
        if (n == null || n.isNull()) {
            return limits.defaultK();
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1 || n.asInt() > limits.maxK()) {
            throw ApiException.badRequest("k_out_of_range", "k must be an integer from 1 to " + limits.maxK());
        }
        return n.asInt();
    }

    private String mode(JsonNode n) throws ApiException {
        if (n == null || n.isNull()) {
            return backend.modes().get(0);
        }
        if (!n.isTextual() || !backend.modes().contains(n.asText())) {
            throw ApiException.badRequest("mode_unsupported", "mode must be one of " + backend.modes());
        }
        return n.asText();
    }

    private Map<String, String> filters(JsonNode n) throws ApiException {
        Map<String, String> out = new HashMap<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isObject()) {
            throw ApiException.badRequest("filters_invalid", "filters must be an object");
        }
        var it = n.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!backend.filters().contains(e.getKey()) || !e.getValue().isValueNode()) {
                throw ApiException.badRequest("filter_unsupported", "supported filters: " + backend.filters());
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static String sourceMessageId(JsonNode f) throws ApiException {
        JsonNode id = f.get("source_message_id");
        if (id == null || !id.isTextual() || id.asText().isBlank() || id.asText().length() > 256) {
            throw ApiException.badRequest("freshness_invalid", "freshness.source_message_id must be a string");
        }
        return id.asText();
    }

    private Duration waitMs(JsonNode f) throws ApiException {
        JsonNode ms = f.get("wait_ms");
        long max = limits.maxFreshnessWait().toMillis();
        if (ms == null || !ms.isIntegralNumber() || ms.asLong() < 0 || ms.asLong() > max) {
            throw ApiException.badRequest("freshness_invalid", "freshness.wait_ms must be an integer from 0 to " + max);
        }
        return Duration.ofMillis(ms.asLong());
    }
}
