package org.ehrflow.gateway.fhir;

import java.util.Locale;
import java.util.Optional;

/** The wire formats the gateway reads: R4 JSON (what the raw topic carries) and R4 XML (converted to JSON). */
public enum FhirFormat {
    JSON,
    XML;

    /**
     * The format a {@code Content-Type} names: {@code application/fhir+json}, {@code application/json},
     * {@code application/fhir+xml}, {@code application/xml}, {@code text/xml}; parameters (charset, fhirVersion) are
     * ignored. A missing header means JSON: FHIR's default and what most clients mean.
     */
    public static Optional<FhirFormat> ofContentType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return Optional.of(JSON);
        }
        String mime = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return switch (mime) {
            case "application/fhir+json", "application/json", "application/json+fhir" -> Optional.of(JSON);
            case "application/fhir+xml", "application/xml", "text/xml", "application/xml+fhir" -> Optional.of(XML);
            default -> Optional.empty();
        };
    }
}
