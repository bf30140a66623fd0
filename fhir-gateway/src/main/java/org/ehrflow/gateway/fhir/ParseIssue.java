package org.ehrflow.gateway.fhir;

/**
 * One problem the parser found, as the client is told it: an element path and a fixed description. Never the
 * offending value: values are PHI.
 *
 * @param path    FHIRPath-like location, e.g. {@code Patient.birthDate}
 * @param message what is wrong, in words that name no data
 */
public record ParseIssue(String path, String message) {
}
