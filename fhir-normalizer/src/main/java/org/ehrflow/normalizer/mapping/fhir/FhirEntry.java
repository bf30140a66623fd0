package org.ehrflow.normalizer.mapping.fhir;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * One resource (or deletion) of a FHIR message: a Bundle entry of any type (transaction, batch, collection,
 * searchset, ...) or the message's single resource.
 *
 * @param fullUrl   the entry's fullUrl, if any
 * @param resource  the resource, null for a DELETE without one
 * @param delete    request.method DELETE
 * @param deleteUrl request.url of a DELETE ("Type/id")
 */
public record FhirEntry(String fullUrl, Resource resource, boolean delete, String deleteUrl) {

    /** The entries of a parsed message, in order. Nested Bundles are not unpacked. */
    public static List<FhirEntry> of(IBaseResource parsed) {
        List<FhirEntry> out = new ArrayList<>();
        if (parsed instanceof Bundle b) {
            for (Bundle.BundleEntryComponent e : b.getEntry()) {
                boolean delete = e.hasRequest() && e.getRequest().getMethod() == Bundle.HTTPVerb.DELETE;
                out.add(new FhirEntry(e.hasFullUrl() ? e.getFullUrl() : null, e.getResource(), delete,
                        delete ? e.getRequest().getUrl() : null));
            }
        } else if (parsed instanceof Resource r) {
            out.add(new FhirEntry(null, r, false, null));
        }
        return out;
    }

    /** The id the source gave the resource (fullUrl's uuid when the resource has none), or null. */
    public String sourceId() {
        if (resource != null && resource.hasIdElement() && resource.getIdElement().getIdPart() != null) {
            return strip(resource.getIdElement().getIdPart());
        }
        return fullUrl == null ? null : strip(lastSegment(fullUrl));
    }

    private static String strip(String id) {
        return id.startsWith("urn:uuid:") ? id.substring("urn:uuid:".length()) : id;
    }

    private static String lastSegment(String url) {
        if (url.startsWith("urn:")) {
            return url;
        }
        int slash = url.lastIndexOf('/');
        return slash < 0 ? url : url.substring(slash + 1);
    }
}
