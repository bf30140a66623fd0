package org.ehrflow.gateway.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.ehrflow.gateway.fhir.CheckedJsonReader;
import org.ehrflow.gateway.fhir.FhirCodec;
import org.ehrflow.gateway.fhir.JsonStructure;
import org.ehrflow.gateway.fhir.Outcomes;
import org.ehrflow.schemas.Json;
import org.hl7.fhir.r4.model.CapabilityStatement;

/**
 * Decides what an authenticated FHIR request becomes: records for {@code ehr.raw.fhir.v1} and the answer to give
 * once the broker has them, or a refusal. Pure: no Kafka, no HTTP types; the whole REST surface is testable here.
 */
public final class RequestPlanner {

    /** FHIR's id syntax. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private final FhirCodec codec;
    private final CheckedJsonReader reader;
    private final WriteChecks checks;
    private final PatientIndex index;
    private final Records records;
    private final BundleWrites bundles;
    private final MessageWrites messages;
    private final CapabilityStatement capability;
    private final SubscriptionWrites subscriptions;

    public RequestPlanner(FhirCodec codec, PatientIdentity identity, PatientIndex index, Clock clock,
            CapabilityStatement capability) {
        this(codec, identity, index, clock, capability, List.of(), null, null);
    }

    /**
     * With the rest-hook endpoint for {@code sources}' Subscriptions ({@code fetcher} reads id-only events' resources,
     * {@code events} remembers event numbers already ingested).
     */
    public RequestPlanner(FhirCodec codec, PatientIdentity identity, PatientIndex index, Clock clock,
            CapabilityStatement capability, List<org.ehrflow.gateway.subscription.SubscriptionSource> sources,
            org.ehrflow.gateway.subscription.SourceFetcher fetcher, org.ehrflow.gateway.subscription.EventLog events) {
        this.codec = codec;
        this.reader = new CheckedJsonReader(new JsonStructure(codec.rejectsUnknownElements()));
        this.checks = new WriteChecks(identity);
        this.index = index;
        this.records = new Records(clock);
        this.bundles = new BundleWrites(checks, index, records);
        this.messages = new MessageWrites(checks, records, clock);
        this.capability = capability;
        this.subscriptions = sources.isEmpty() ? null
                : new SubscriptionWrites(sources, fetcher, events, checks, records, codec, reader);
    }

    /** The CapabilityStatement served at {@code GET [base]/metadata} (no authentication needed). */
    public Reply metadata() {
        return Reply.of(200, capability);
    }

    public Plan plan(FhirRequest req) {
        List<String> p = req.path();
        String m = req.method();
        if (p.isEmpty()) {
            return m.equals("POST") ? withBody(req, body -> bundles.plan(req, body))
                    : answer(Replies.methodNotAllowed());
        }
        if (p.size() == 1 && p.get(0).equals("$process-message")) {
            return m.equals("POST") ? withBody(req, body -> messages.plan(req, body))
                    : answer(Replies.methodNotAllowed());
        }
        if (p.size() == 1 && p.get(0).equals("$subscription-notification") && subscriptions != null) {
            return m.equals("POST") ? subscriptions.planR5(req)
                    .orElseGet(() -> withBody(req, body -> subscriptions.plan(req, body)))
                    : answer(Replies.methodNotAllowed());
        }
        if (p.size() == 1 && p.get(0).equals("metadata")) {
            return m.equals("GET") ? answer(metadata()) : answer(Replies.methodNotAllowed());
        }
        if (!isResourceType(p.get(0)) || p.size() > 2) {
            return answer(Replies.notFound());
        }
        String type = p.get(0);
        if (p.size() == 1) {
            return m.equals("POST") ? withBody(req, body -> write(req, body, type, null))
                    : answer(Replies.methodNotAllowed());
        }
        String id = p.get(1);
        if (!ID.matcher(id).matches()) {
            return answer(Replies.badRequest("the id in the URL is not a FHIR id"));
        }
        return switch (m) {
            case "PUT", "POST" -> withBody(req, body -> write(req, body, type, id));
            case "DELETE" -> delete(req, type, id);
            default -> answer(Replies.methodNotAllowed());
        };
    }

    private static boolean isResourceType(String s) {
        return FhirCodec.isResourceType(s);
    }

    private Plan withBody(FhirRequest req, Function<Body, Plan> next) {
        Object read = Body.read(req, codec, reader);
        return read instanceof Reply r ? answer(r) : next.apply((Body) read);
    }

    static Plan answer(Reply r) {
        return new Plan.Answer(r);
    }

    /** {@code POST [type]} (id null) or {@code PUT/POST [type]/[id]}. */
    private Plan write(FhirRequest req, Body body, String type, String id) {
        if (body.type().equals("Bundle")) {
            return answer(Replies.badRequest("send Bundles to the base URL or to $process-message"));
        }
        if (!body.type().equals(type)) {
            return answer(Replies.badRequest("the body's resourceType differs from the URL's", type));
        }
        String bodyId = body.id();
        if (id != null && !id.equals(bodyId)) {
            return answer(Replies.badRequest("the body's id must equal the URL's id", type + ".id"));
        }
        Optional<Reply> refused = checks.refuse(body.tree(), req.client(), req.client().id(), type);
        if (refused.isPresent()) {
            return answer(refused.get());
        }
        String json = body.json();
        com.fasterxml.jackson.databind.JsonNode tree = body.tree();
        if (bodyId == null) {
            // A create without an id gets one, as a FHIR server assigns it: derived from the content, so a
            // client's retry of the same create gets the same id (and downstream the same resource).
            bodyId = "gw-" + contentHash(json);
            tree = tree.deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) tree).put("id", bodyId);
            json = tree.toString();
        }
        RawRecord record = records.of(json, tree, req.client().id(), List.of(type + "/" + bodyId));
        String version = tree.path("meta").path("versionId").asText("1");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ETag", "W/\"" + version + "\"");
        headers.put("Location", type + "/" + bodyId + "/_history/" + version);
        Reply ok = new Reply(id == null ? 201 : 200, headers,
                Outcomes.accepted("accepted: durably queued for ingestion"));
        return new Plan.Publish(List.of(record), ok);
    }

    /**
     * {@code DELETE [type]/[id]}: a one-entry transaction the normaliser already understands, keyed by the patient
     * the deletion belongs to (a Patient's own id; else {@code ?patient=}, else the patient index).
     */
    private Plan delete(FhirRequest req, String type, String id) {
        if (!req.client().mayWrite(type)) {
            return answer(Replies.forbidden(type, type));
        }
        Optional<String> patient = type.equals("Patient") ? Optional.of(id) : patientOf(req, type + "/" + id);
        if (patient.isEmpty()) {
            return answer(Replies.invalid(type,
                    "the gateway does not know this resource's patient: add ?patient=Patient/<id>"));
        }
        String json = deleteBundle(type + "/" + id);
        RawRecord record = records.of(RawFhirKeys.PATIENT + patient.get(), json, readTree(json), req.client().id(),
                List.of());
        return new Plan.Publish(List.of(record), Reply.of(200, Outcomes.accepted("deletion queued for ingestion")));
    }

    private Optional<String> patientOf(FhirRequest req, String typeAndId) {
        String hint = req.query().get("patient");
        if (hint != null) {
            String id = hint.startsWith("Patient/") ? hint.substring("Patient/".length()) : hint;
            return ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
        }
        return index.patientOf(typeAndId);
    }

    /** The transaction Bundle that deletes one resource. */
    static String deleteBundle(String typeAndId) {
        return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":"
                + "{\"method\":\"DELETE\",\"url\":\"" + typeAndId + "\"}}]}";
    }

    private static String contentHash(String json) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest(json.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JRE", e);
        }
    }

    static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the gateway built invalid JSON", e);
        }
    }
}
