package org.ehrflow.documents.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Locale;
import org.ehrflow.documents.error.ReasonCodes;
import org.ehrflow.documents.extract.DocumentFailure;
import org.ehrflow.documents.mapping.AttachmentSource;
import org.ehrflow.schemas.Json;

/**
 * Fetches {@code attachment.url}: {@code Binary/<id>} relative to the configured FHIR base, or an absolute URL
 * whose host is on the allow-list (never an arbitrary host: a document must not make the pipeline call
 * wherever it says). Asks for the raw bytes and accepts a FHIR {@code Binary} JSON too (its {@code data}).
 * Network errors, 408, 429 and 5xx are transient (retried by the caller, never dead-lettered); 404/410 is
 * DOCUMENT_NOT_FOUND; other 4xx (401/403: our credentials) are transient too, because retrying after the
 * token is fixed is the remedy, not dropping the document. Bodies are read up to the size limit. Credentials: a
 * static bearer token, or a SMART Backend Services access token (client-credentials grant, cached until expiry).
 */
public final class FhirBinaryClient implements AttachmentSource {

    private final FetchSettings settings;
    private final HttpClient http;

    public FhirBinaryClient(FetchSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public Fetched fetch(String url) throws DocumentFailure, TransientFetchException {
        URI target = resolve(url);
        HttpRequest.Builder req = HttpRequest.newBuilder(target).timeout(settings.timeout()).GET()
                .header("Accept", "application/octet-stream, application/fhir+json;q=0.5, */*;q=0.1");
        HttpResponse<InputStream> resp;
        try {
            String bearer = settings.smart() != null ? settings.smart().accessToken() : settings.bearerToken().value();
            if (!bearer.isEmpty()) {
                req.header("Authorization", "Bearer " + bearer);
            }
            // (a token endpoint that is down or refuses us is transient like the server itself: fixed, it resumes)
            resp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new TransientFetchException("fetch failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientFetchException("fetch interrupted", e);
        }
        int status = resp.statusCode();
        try (InputStream body = resp.body()) {
            if (status == 404 || status == 410) {
                throw new DocumentFailure(ReasonCodes.DOCUMENT_NOT_FOUND);
            }
            if (status != 200) {
                throw new TransientFetchException("HTTP " + status, null);
            }
            byte[] data = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, settings.maxBytes() + 1));
            if (data.length > settings.maxBytes()) {
                throw new DocumentFailure(ReasonCodes.DOCUMENT_TOO_LARGE);
            }
            String type = resp.headers().firstValue("Content-Type").orElse(null);
            String mime = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
            if (mime.equals("application/fhir+json") || mime.equals("application/json")) {
                return binary(data);
            }
            return new Fetched(data, type);
        } catch (IOException e) {
            throw new TransientFetchException("reading the body failed", e);
        }
    }

    private URI resolve(String url) throws DocumentFailure {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new DocumentFailure(ReasonCodes.DOCUMENT_REFERENCE_UNRESOLVABLE, null, e);
        }
        if (!u.isAbsolute()) {
            if (settings.fhirBaseUrl() == null || !url.matches("Binary/[A-Za-z0-9\\-.]{1,64}")) {
                throw new DocumentFailure(ReasonCodes.DOCUMENT_REFERENCE_UNRESOLVABLE);
            }
            String base = settings.fhirBaseUrl().toString();
            return URI.create(base.endsWith("/") ? base + url : base + "/" + url);
        }
        String host = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
        boolean base = settings.fhirBaseUrl() != null && host.equalsIgnoreCase(settings.fhirBaseUrl().getHost());
        boolean scheme = "https".equals(u.getScheme()) || ("http".equals(u.getScheme()) && base);
        if (!scheme || !(base || settings.allowedHosts().contains(host))) {
            throw new DocumentFailure(ReasonCodes.DOCUMENT_REFERENCE_UNRESOLVABLE);
        }
        return u;
    }

    /** A FHIR Binary resource's bytes and content type. */
    private static Fetched binary(byte[] json) throws DocumentFailure {
        try {
            JsonNode n = Json.MAPPER.readTree(json);
            if (!"Binary".equals(n.path("resourceType").asText()) || !n.hasNonNull("data")) {
                throw new DocumentFailure(ReasonCodes.DOCUMENT_NOT_FOUND);
            }
            return new Fetched(Base64.getMimeDecoder().decode(n.get("data").asText()),
                    n.path("contentType").asText(null));
        } catch (IOException | IllegalArgumentException e) {
            throw new DocumentFailure(ReasonCodes.DOCUMENT_CORRUPT, null, e);
        }
    }
}
