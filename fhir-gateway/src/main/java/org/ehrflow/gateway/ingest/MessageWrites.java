package org.ehrflow.gateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.ehrflow.gateway.fhir.ParseIssue;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.UriType;

/**
 * {@code POST [base]/$process-message}: a message Bundle (first entry a MessageHeader) becomes one raw record, the
 * client's bytes, and is answered with a response message whose MessageHeader.response names the request's
 * header id with code {@code ok}. Identifiers without a system belong to {@code MessageHeader.source.endpoint}:
 * the normaliser scopes them the same way.
 */
final class MessageWrites {

    /** Where this gateway says response messages come from. */
    static final String SOURCE_ENDPOINT = "urn:ehrflow:fhir-gateway";

    private final WriteChecks checks;
    private final Records records;
    private final Clock clock;

    MessageWrites(WriteChecks checks, Records records, Clock clock) {
        this.checks = checks;
        this.records = records;
        this.clock = clock;
    }

    Plan plan(FhirRequest req, Body body) {
        JsonNode tree = body.tree();
        if (!body.type().equals("Bundle") || !tree.path("type").asText().equals("message")) {
            return RequestPlanner.answer(Replies.invalid("Bundle.type", "$process-message takes a message Bundle"));
        }
        JsonNode entries = tree.path("entry");
        JsonNode header = entries.path(0).path("resource");
        if (!header.path("resourceType").asText().equals("MessageHeader")) {
            return RequestPlanner.answer(Replies.invalid("Bundle.entry[0].resource",
                    "a message Bundle starts with its MessageHeader"));
        }
        String endpoint = header.path("source").path("endpoint").asText("");
        String scope = endpoint.isEmpty() ? req.client().id() : endpoint;
        List<ParseIssue> issues = new ArrayList<>();
        for (int i = 1; i < entries.size(); i++) {
            JsonNode r = entries.get(i).path("resource");
            if (!r.isObject()) {
                continue;
            }
            Optional<Reply> refused = checks.refuse(r, req.client(), scope, "Bundle.entry[" + i + "].resource");
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
        RawRecord record = records.of(body.json(), tree, req.client().id(), List.of());
        return new Plan.Publish(List.of(record), Reply.of(200, response(header)));
    }

    /** The response message: the request's event, this gateway as source, response = the request header's id. */
    private Bundle response(JsonNode request) {
        MessageHeader h = new MessageHeader();
        h.setId(UUID.randomUUID().toString());
        JsonNode coding = request.path("eventCoding");
        if (coding.isObject()) {
            h.setEvent(new Coding(text(coding, "system"), text(coding, "code"), text(coding, "display")));
        } else if (request.hasNonNull("eventUri")) {
            h.setEvent(new UriType(request.get("eventUri").asText()));
        }
        String requestId = request.path("id").asText("");
        h.getSource().setEndpoint(SOURCE_ENDPOINT).setName("ehrflow fhir-gateway");
        h.getResponse().setIdentifier(requestId)
                .setCode(MessageHeader.ResponseType.OK);
        Bundle b = new Bundle().setType(Bundle.BundleType.MESSAGE);
        b.setId(UUID.randomUUID().toString());
        b.setTimestamp(Date.from(clock.instant()));
        b.addEntry().setFullUrl("urn:uuid:" + h.getId()).setResource(h);
        return b;
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }
}
