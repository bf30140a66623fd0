package org.ehrflow.documents.fetch;

import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.smart.SmartBackendClient;

/**
 * How attachments by reference are fetched.
 *
 * @param fhirBaseUrl   base of the FHIR server that {@code Binary/<id>} is relative to, or null (none configured)
 * @param bearerToken   sent as {@code Authorization: Bearer}; empty for none (masked in logs)
 * @param allowedHosts  hosts an absolute URL may name (the base URL's host is always allowed)
 * @param timeout       connect and request timeout
 * @param maxBytes      largest body read; a larger one is DOCUMENT_TOO_LARGE
 * @param smart         SMART Backend Services client whose access token is sent instead of a static bearer token,
 *                      or null
 */
public record FetchSettings(URI fhirBaseUrl, Secret bearerToken, Set<String> allowedHosts, Duration timeout,
        long maxBytes, SmartBackendClient smart) {

    public FetchSettings {
        allowedHosts = Set.copyOf(allowedHosts);
    }

    /** Without SMART credentials. */
    public FetchSettings(URI fhirBaseUrl, Secret bearerToken, Set<String> allowedHosts, Duration timeout,
            long maxBytes) {
        this(fhirBaseUrl, bearerToken, allowedHosts, timeout, maxBytes, null);
    }
}
