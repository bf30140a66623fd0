package org.ehrflow.gateway.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.ehrflow.gateway.fhir.FhirCodec;
import org.ehrflow.gateway.fhir.ParseIssue;
import org.ehrflow.schemas.Json;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * {@code POST [base]} with a transaction or batch Bundle, checked on its JSON tree.
 * <ul>
 *   <li>transaction: every entry is checked first; any problem refuses the whole Bundle. Accepted, it is one raw
 *   record (the client's bytes), so the broker stores all of it or none.</li>
 *   <li>batch: entries stand alone. Each acceptable entry becomes its own record keyed by its own patient; refused
 *   entries get their status in the batch-response and do not stop the others.</li>
 * </ul>
 */
final class BundleWrites {

    private static final Set<String> WRITES = Set.of("POST", "PUT", "DELETE");

    private final WriteChecks checks;
    private final PatientIndex index;
    private final Records records;

    BundleWrites(WriteChecks checks, PatientIndex index, Records records) {
        this.checks = checks;
        this.index = index;
        this.records = records;
    }

    Plan plan(FhirRequest req, Body body) {
        if (!body.type().equals("Bundle")) {
            return RequestPlanner.answer(Replies.badRequest("POST to the base URL takes a transaction or batch Bundle"));
        }
        return switch (body.tree().path("type").asText("")) {
            case "transaction" -> transaction(req, body);
            case "batch" -> batch(req, body);
            case "message" -> RequestPlanner.answer(Replies.badRequest("send message Bundles to $process-message",
                    "Bundle.type"));
            default -> RequestPlanner.answer(Replies.badRequest(
                    "POST to the base URL takes a transaction or batch Bundle", "Bundle.type"));
        };
    }

    private Plan transaction(FhirRequest req, Body body) {
        JsonNode entries = body.tree().path("entry");
        String key = key(body.tree(), body.json());
        boolean hasPatient = false;
        for (JsonNode e : entries) {
            hasPatient |= e.path("resource").path("resourceType").asText().equals("Patient");
        }
        List<ParseIssue> issues = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Optional<Reply> refused = entry(req, entries.get(i), i, hasPatient || key.startsWith(RawFhirKeys.PATIENT));
            if (refused.isPresent()) {
                if (refused.get().status() != 422) {
                    return RequestPlanner.answer(refused.get());
                }
                for (OperationOutcome.OperationOutcomeIssueComponent x
                        : ((OperationOutcome) refused.get().body()).getIssue()) {
                    issues.add(new ParseIssue(x.getExpression().get(0).getValue(), x.getDiagnostics()));
                }
            }
        }
        if (!issues.isEmpty()) {
            return RequestPlanner.answer(Replies.invalid(issues));
        }
        RawRecord record = records.of(key, body.json(), body.tree(), req.client().id(), touchedByEntries(entries));
        Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        for (JsonNode e : entries) {
            response.addEntry().setResponse(entryResponse(e));
        }
        return new Plan.Publish(List.of(record), Reply.of(200, response));
    }

    private Plan batch(FhirRequest req, Body body) {
        Bundle response = new Bundle().setType(Bundle.BundleType.BATCHRESPONSE);
        List<RawRecord> out = new ArrayList<>();
        JsonNode entries = body.tree().path("entry");
        for (int i = 0; i < entries.size(); i++) {
            JsonNode e = entries.get(i);
            String url = e.path("request").path("url").asText("");
            boolean delete = e.path("request").path("method").asText("").equals("DELETE");
            String deletePatient = delete ? deletePatient(url) : null;
            Optional<Reply> refused = entry(req, e, i, deletePatient != null);
            if (refused.isPresent()) {
                response.addEntry().getResponse().setStatus(Integer.toString(refused.get().status()))
                        .setOutcome(refused.get().body());
                continue;
            }
            if (delete) {
                String json = RequestPlanner.deleteBundle(url);
                out.add(records.of(RawFhirKeys.PATIENT + deletePatient, json, RequestPlanner.readTree(json),
                        req.client().id(), List.of()));
            } else {
                JsonNode node = e.path("resource");
                out.add(records.of(write(node), node, req.client().id(), touched(node)));
            }
            response.addEntry().setResponse(entryResponse(e));
        }
        return new Plan.Publish(out, Reply.of(200, response));
    }

    /** A refusal of entry {@code i}, or empty; {@code deletable}: a non-Patient DELETE can find its patient. */
    private Optional<Reply> entry(FhirRequest req, JsonNode e, int i, boolean deletable) {
        String at = "Bundle.entry[" + i + "]";
        String method = e.path("request").path("method").asText("");
        if (method.isEmpty()) {
            return Optional.of(Replies.invalid(at + ".request.method", "entry has no request method"));
        }
        if (!WRITES.contains(method)) {
            return Optional.of(Replies.invalid(at + ".request.method",
                    "only POST, PUT and DELETE entries are accepted"));
        }
        String url = e.path("request").path("url").asText("");
        if (url.isBlank() || url.contains("?")) {
            return Optional.of(Replies.invalid(at + ".request.url",
                    "entry needs a request url of the form Type or Type/id (conditional writes are not supported)"));
        }
        String[] parts = url.split("/");
        String type = parts[0];
        if (method.equals("DELETE")) {
            if (parts.length != 2 || !FhirCodec.isResourceType(type)
                    || !RequestPlanner.ID.matcher(parts[1]).matches()) {
                return Optional.of(Replies.invalid(at + ".request.url", "a DELETE entry's url must be Type/id"));
            }
            if (!req.client().mayWrite(type)) {
                return Optional.of(Replies.forbidden(type, at + ".request.url"));
            }
            if (!type.equals("Patient") && !deletable) {
                return Optional.of(Replies.invalid(at + ".request.url",
                        "the gateway does not know the patient of the resource this entry deletes"));
            }
            return Optional.empty();
        }
        JsonNode r = e.path("resource");
        if (!r.isObject()) {
            return Optional.of(Replies.invalid(at + ".resource", "a POST or PUT entry needs a resource"));
        }
        if (!r.path("resourceType").asText().equals(type)) {
            return Optional.of(Replies.invalid(at + ".request.url", "the url's type differs from the resource's"));
        }
        return checks.refuse(r, req.client(), req.client().id(), at + ".resource");
    }

    /**
     * The raw key by the FHIR path's rules; a Bundle without a Patient entry whose entries all belong to one known
     * patient is keyed by that patient instead of {@code bundle:<id>}, so it lands where the patient's link is.
     */
    private String key(JsonNode tree, String json) {
        String key = RawFhirKeys.keyOf(tree, RawFhirKeys.idOf(tree, json));
        if (!key.startsWith("bundle:")) {
            return key;
        }
        Set<String> patients = new LinkedHashSet<>();
        for (JsonNode e : tree.path("entry")) {
            String p = e.has("resource") ? RawFhirKeys.patientIdOf(e.path("resource"))
                    : deletePatient(e.path("request").path("url").asText(""));
            if (p == null) {
                return key;
            }
            patients.add(p);
        }
        return patients.size() == 1 ? RawFhirKeys.PATIENT + patients.iterator().next() : key;
    }

    private String deletePatient(String url) {
        if (url == null) {
            return null;
        }
        return url.startsWith("Patient/") ? url.substring("Patient/".length()) : index.patientOf(url).orElse(null);
    }

    private static Bundle.BundleEntryResponseComponent entryResponse(JsonNode entry) {
        Bundle.BundleEntryResponseComponent r = new Bundle.BundleEntryResponseComponent();
        String m = entry.path("request").path("method").asText();
        r.setStatus(m.equals("POST") ? "201 Created" : m.equals("DELETE") ? "204 No Content" : "200 OK");
        List<String> ref = touched(entry.path("resource"));
        if (!ref.isEmpty()) {
            r.setLocation(ref.get(0));
        }
        return r;
    }

    /** "Type/id" of every entry resource that has an id (the source's own id, as the raw key uses it). */
    private static List<String> touchedByEntries(JsonNode entries) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : entries) {
            out.addAll(touched(e.path("resource")));
        }
        return out;
    }

    /** "Type/id" of one resource node, if it has both. */
    private static List<String> touched(JsonNode resource) {
        String type = resource.path("resourceType").asText("");
        String id = resource.path("id").asText("");
        return type.isEmpty() || id.isEmpty() ? List.of() : List.of(type + "/" + id);
    }

    private static String write(JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot re-serialise a parsed JSON node", e);
        }
    }
}
