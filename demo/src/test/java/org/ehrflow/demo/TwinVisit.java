package org.ehrflow.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One visit cut from a Synthea bundle of the shared corpus: the Patient, the first Encounter whose note Synthea
 * stores twice (a DocumentReference and a DiagnosticReport.presentedForm with the same text), both notes, and the
 * Observations of that Encounter. Small enough for the end-to-end test, real enough to carry Synthea's twins.
 */
record TwinVisit(String bundle, String encounterId, String documentReferenceId, String diagnosticReportId,
        String observationId, String observationDisplay) {

    static TwinVisit from(Path syntheaBundle) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode b = json.readTree(Files.readString(syntheaBundle));
        JsonNode report = null;
        for (JsonNode e : b.path("entry")) {
            JsonNode r = e.path("resource");
            if (r.path("resourceType").asText().equals("DiagnosticReport") && r.has("presentedForm")
                    && hasObservation(b, r.path("encounter").path("reference").asText())) {
                report = r;
                break;
            }
        }
        if (report == null) {
            throw new IllegalStateException("no DiagnosticReport with a note and observations in " + syntheaBundle);
        }
        String enc = report.path("encounter").path("reference").asText();
        ArrayNode entries = json.createArrayNode();
        String docRef = null;
        String obs = null;
        String display = null;
        for (JsonNode e : b.path("entry")) {
            JsonNode r = e.path("resource");
            String type = r.path("resourceType").asText();
            boolean keep = switch (type) {
                case "Patient" -> true;
                case "Encounter" -> e.path("fullUrl").asText().equals(enc);
                case "DiagnosticReport" -> r == report;
                case "DocumentReference" -> r.path("context").path("encounter").path(0).path("reference").asText()
                        .equals(enc);
                case "Observation" -> r.path("encounter").path("reference").asText().equals(enc);
                default -> false;
            };
            if (!keep) {
                continue;
            }
            if (type.equals("DocumentReference")) {
                docRef = r.path("id").asText();
            }
            if (type.equals("Observation") && obs == null && r.has("valueQuantity")) {
                obs = r.path("id").asText();
                display = r.path("code").path("coding").path(0).path("display").asText();
            }
            entries.add(e);
        }
        ObjectNode out = json.createObjectNode();
        out.put("resourceType", "Bundle");
        out.put("type", "transaction");
        out.set("entry", entries);
        return new TwinVisit(json.writeValueAsString(out), enc.substring(enc.lastIndexOf(':') + 1), docRef,
                report.path("id").asText(), obs, display);
    }

    private static boolean hasObservation(JsonNode bundle, String encounterRef) {
        for (JsonNode e : bundle.path("entry")) {
            JsonNode r = e.path("resource");
            if (r.path("resourceType").asText().equals("Observation") && r.has("valueQuantity")
                    && r.path("encounter").path("reference").asText().equals(encounterRef)) {
                return true;
            }
        }
        return false;
    }
}
