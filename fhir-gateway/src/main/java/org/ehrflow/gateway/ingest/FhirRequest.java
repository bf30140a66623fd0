package org.ehrflow.gateway.ingest;

import java.util.List;
import java.util.Map;
import org.ehrflow.gateway.auth.Client;

/**
 * One HTTP request below the FHIR base, as the pure layer sees it. The body is PHI: {@code toString()} omits it.
 *
 * @param method      HTTP method, upper case
 * @param path        path segments below the base ("Patient", "123"); empty for the base itself
 * @param query       query parameters (first value of each)
 * @param contentType the Content-Type header, or null
 * @param body        the request body decoded as UTF-8 ("" when none)
 * @param client      the authenticated caller
 */
public record FhirRequest(String method, List<String> path, Map<String, String> query, String contentType,
        String body, Client client) {

    public FhirRequest {
        path = List.copyOf(path);
        query = Map.copyOf(query);
    }

    @Override
    public String toString() {
        return "FhirRequest[" + method + " /" + String.join("/", path) + ", client=" + client.id() + ", "
                + body.length() + " chars]";
    }
}
