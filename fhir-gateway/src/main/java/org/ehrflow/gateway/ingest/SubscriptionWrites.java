package org.ehrflow.gateway.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ehrflow.gateway.fhir.CheckedJsonReader;
import org.ehrflow.gateway.fhir.FhirCodec;
import org.ehrflow.gateway.fhir.FhirFormat;
import org.ehrflow.gateway.fhir.Outcomes;
import org.ehrflow.gateway.subscription.EventLog;
import org.ehrflow.gateway.subscription.Notification;
import org.ehrflow.gateway.subscription.SourceFetcher;
import org.ehrflow.gateway.subscription.SubscriptionSource;
import org.ehrflow.schemas.Json;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * {@code POST [base]/$subscription-notification}: the rest-hook endpoint of R4 Subscriptions (Backport IG
 * notification Bundles for R4, and R4B/R5 {@code subscription-notification} Bundles with a SubscriptionStatus).
 * Handshakes and heartbeats are answered 200 with nothing produced. Each new event's focus
 * becomes one raw record: the resource carried in the Bundle ({@code full-resource}) or read from the
 * Subscription's source server ({@code id-only}). Events already ingested are skipped (by event number); events are
 * marked ingested only after the broker acknowledged them.
 */
final class SubscriptionWrites {

    private final List<SubscriptionSource> sources;
    private final SourceFetcher fetcher;
    private final EventLog events;
    private final WriteChecks checks;
    private final Records records;
    private final FhirCodec codec;
    private final CheckedJsonReader reader;

    SubscriptionWrites(List<SubscriptionSource> sources, SourceFetcher fetcher, EventLog events, WriteChecks checks,
            Records records, FhirCodec codec, CheckedJsonReader reader) {
        this.codec = codec;
        this.reader = reader;
        this.sources = List.copyOf(sources);
        this.fetcher = fetcher;
        this.events = events;
        this.checks = checks;
        this.records = records;
    }

    /**
     * An R4B/R5-shaped notification (JSON): read without R4's whole-body structure check, which does not know its
     * Bundle type or SubscriptionStatus; each focus resource is still checked as an R4 write below. Empty when the
     * body is not that shape (the R4 path reads it).
     */
    Optional<Plan> planR5(FhirRequest req) {
        if (FhirFormat.ofContentType(req.contentType()).orElse(null) != FhirFormat.JSON) {
            return Optional.empty();
        }
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(req.body());
        } catch (JsonProcessingException e) {
            return Optional.empty(); // the R4 path answers 400
        }
        return tree != null && Notification.isR5Shape(tree) ? Optional.of(plan(req, Body.unchecked(req.body(), tree)))
                : Optional.empty();
    }

    Plan plan(FhirRequest req, Body body) {
        StringBuilder why = new StringBuilder();
        Optional<Notification> read = Notification.read(body.tree(), why);
        if (read.isEmpty()) {
            return RequestPlanner.answer(Replies.invalid("Bundle", why.toString()));
        }
        Notification n = read.get();
        Optional<SubscriptionSource> source = sources.stream().filter(s -> s.names(n.subscription())).findFirst();
        if (source.isEmpty()) {
            return RequestPlanner.answer(Replies.invalid("Bundle.entry[0].resource.parameter",
                    "notification for a subscription this gateway is not configured for"));
        }
        if (!n.type().equals("event-notification")) {
            // handshake, heartbeat, query-status, query-event: acknowledged, nothing to ingest.
            return RequestPlanner.answer(Reply.of(200, Outcomes.accepted(n.type() + " acknowledged")));
        }
        Map<String, JsonNode> included = included(body.tree());
        List<RawRecord> out = new ArrayList<>();
        List<Long> fresh = new ArrayList<>();
        String sub = source.get().id();
        for (Notification.Event e : n.events()) {
            if (events.seen(sub, e.number()) || fresh.contains(e.number())) {
                continue;
            }
            fresh.add(e.number());
            if (e.focus() == null) {
                continue;
            }
            JsonNode resource = included.get(e.focus());
            if (resource == null) {
                resource = included.get(Notification.tail(e.focus()));
            }
            if (resource == null) {
                String url = source.get().resolve(e.focus());
                if (url == null) {
                    return RequestPlanner.answer(Replies.invalid("Bundle.entry[0].resource.parameter",
                            "an event's focus is not on the subscription's source server"));
                }
                Optional<String> fetched;
                try {
                    fetched = fetcher.fetch(source.get(), url);
                } catch (SourceFetcher.Unavailable u) {
                    return RequestPlanner.answer(new Reply(503, Map.of("Retry-After", "5"), Outcomes.error(
                            IssueType.TRANSIENT, "the subscription's source server could not be read; resend")));
                }
                if (fetched.isEmpty()) {
                    continue; // gone at the source since the event: a later deletion event carries it
                }
                resource = RequestPlanner.readTree(fetched.get());
            }
            Object checked = check(resource, req);
            if (checked instanceof Reply refusal) {
                return RequestPlanner.answer(refusal);
            }
            String json = resource.toString();
            out.add(records.of(json, resource, req.client().id(), touched(resource)));
        }
        String subId = sub;
        List<Long> marks = List.copyOf(fresh);
        return new Plan.Publish(out, Reply.of(200, Outcomes.accepted(out.size() + " events ingested")),
                () -> marks.forEach(m -> events.mark(subId, m)));
    }

    /** Parses and checks a focus resource as any write; the refusal, or the node. */
    private Object check(JsonNode resource, FhirRequest req) {
        FhirRequest asWrite = new FhirRequest("PUT", List.of(), Map.of(), "application/fhir+json", resource.toString(),
                req.client());
        Object parsed = Body.read(asWrite, codec, reader);
        if (parsed instanceof Reply r) {
            return r;
        }
        Body b = (Body) parsed;
        Optional<Reply> refused = checks.refuse(b.tree(), req.client(), req.client().id(), b.type());
        return refused.isPresent() ? refused.get() : resource;
    }

    /** Resources carried in the Bundle, by fullUrl and by "Type/id". */
    private static Map<String, JsonNode> included(JsonNode bundle) {
        Map<String, JsonNode> out = new HashMap<>();
        JsonNode entries = bundle.path("entry");
        for (int i = 1; i < entries.size(); i++) {
            JsonNode e = entries.get(i);
            JsonNode r = e.path("resource");
            if (r.isObject()) {
                String full = e.path("fullUrl").asText("");
                if (!full.isEmpty()) {
                    out.put(full, r);
                    out.put(Notification.tail(full), r);
                }
                String type = r.path("resourceType").asText("");
                String id = r.path("id").asText("");
                if (!type.isEmpty() && !id.isEmpty()) {
                    out.put(type + "/" + id, r);
                }
            }
        }
        return out;
    }

    private static List<String> touched(JsonNode r) {
        String type = r.path("resourceType").asText("");
        String id = r.path("id").asText("");
        return type.isEmpty() || id.isEmpty() ? List.of() : List.of(type + "/" + id);
    }
}
