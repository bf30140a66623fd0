package org.ehrflow.gateway.ingest;

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
import org.hl7.fhir.r4.model.Resource;

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
        if (!(body.resource() instanceof Bundle b) || b.getType() != Bundle.BundleType.MESSAGE) {
            return RequestPlanner.answer(Replies.invalid("Bundle.type", "$process-message takes a message Bundle"));
        }
        if (b.getEntry().isEmpty() || !(b.getEntryFirstRep().getResource() instanceof MessageHeader header)) {
            return RequestPlanner.answer(Replies.invalid("Bundle.entry[0].resource",
                    "a message Bundle starts with its MessageHeader"));
        }
        String scope = header.getSource().hasEndpoint() ? header.getSource().getEndpoint() : req.client().id();
        List<ParseIssue> issues = new ArrayList<>();
        for (int i = 1; i < b.getEntry().size(); i++) {
            Resource r = b.getEntry().get(i).getResource();
            if (r == null) {
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
        RawRecord record = records.of(body.json(), body.tree(), req.client().id(), List.of());
        // The header's own id (HAPI would report the entry's fullUrl instead when both are present).
        String headerId = body.tree().path("entry").path(0).path("resource").path("id").asText("");
        return new Plan.Publish(List.of(record), Reply.of(200, response(header, headerId)));
    }

    private Bundle response(MessageHeader request, String requestId) {
        MessageHeader h = new MessageHeader();
        h.setId(UUID.randomUUID().toString());
        if (request.hasEventCoding()) {
            h.setEvent(request.getEventCoding().copy());
        } else if (request.hasEventUriType()) {
            h.setEvent(request.getEventUriType().copy());
        }
        h.getSource().setEndpoint(SOURCE_ENDPOINT).setName("ehrflow fhir-gateway");
        h.getResponse().setIdentifier(requestId)
                .setCode(MessageHeader.ResponseType.OK);
        Bundle b = new Bundle().setType(Bundle.BundleType.MESSAGE);
        b.setId(UUID.randomUUID().toString());
        b.setTimestamp(Date.from(clock.instant()));
        b.addEntry().setFullUrl("urn:uuid:" + h.getId()).setResource(h);
        return b;
    }
}
