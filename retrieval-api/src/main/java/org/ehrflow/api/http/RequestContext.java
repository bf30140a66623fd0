package org.ehrflow.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.ehrflow.api.auth.Caller;
import org.ehrflow.api.auth.TextLevel;

/**
 * One request on its way through the API: what the handler needs (caller, body, parameters) and what it learned
 * for the audit record (patient, level, returned ids). Handlers fill the audit fields as soon as they know them,
 * so a refusal half-way is audited with everything known up to then.
 */
public final class RequestContext {

    private final UUID requestId;
    private final String endpoint;
    private final Caller caller;
    private final String purposeOfUse;
    private final JsonNode body;
    private final Map<String, String> pathParams;
    private final Map<String, String> queryParams;

    String patientKey;
    TextLevel textLevel;
    String query;
    Integer k;
    List<String> chunkIds = List.of();
    List<String> resourceRefs = List.of();
    int hitCount;

    RequestContext(UUID requestId, String endpoint, Caller caller, String purposeOfUse, JsonNode body,
            Map<String, String> pathParams, Map<String, String> queryParams) {
        this.requestId = requestId;
        this.endpoint = endpoint;
        this.caller = caller;
        this.purposeOfUse = purposeOfUse;
        this.body = body;
        this.pathParams = Map.copyOf(pathParams);
        this.queryParams = Map.copyOf(queryParams);
    }

    public UUID requestId() {
        return requestId;
    }

    public String endpoint() {
        return endpoint;
    }

    public Caller caller() {
        return caller;
    }

    public String purposeOfUse() {
        return purposeOfUse;
    }

    public JsonNode body() {
        return body;
    }

    public String pathParam(String name) {
        return pathParams.get(name);
    }

    public String queryParam(String name) {
        return queryParams.get(name);
    }

    /** The patient the request is about: audited even when it is then refused. */
    public void patient(String key) {
        this.patientKey = key;
    }

    public void textLevel(TextLevel level) {
        this.textLevel = level;
    }

    /** The query text: audited as a keyed hash (or verbatim when configured). */
    public void query(String text, int kValue) {
        this.query = text;
        this.k = kValue;
    }

    /** What was returned: chunk ids and the resources they cite. */
    public void returned(List<String> chunks, List<String> resources, int hits) {
        this.chunkIds = List.copyOf(chunks);
        this.resourceRefs = List.copyOf(resources);
        this.hitCount = hits;
    }
}
