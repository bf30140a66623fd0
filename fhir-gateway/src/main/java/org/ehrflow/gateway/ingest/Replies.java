package org.ehrflow.gateway.ingest;

import java.util.List;
import java.util.Map;
import org.ehrflow.gateway.fhir.Outcomes;
import org.ehrflow.gateway.fhir.ParseIssue;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** The gateway's refusals, each an OperationOutcome with an issue code; see the README's error table. */
public final class Replies {

    private Replies() {
    }

    /** 400: not JSON/XML, not a resource, or a request FHIR does not allow (URL id differs from body id...). */
    public static Reply badRequest(String why, String... paths) {
        return Reply.of(400, Outcomes.error(IssueType.STRUCTURE, why, paths));
    }

    /** 422: a well-formed resource that R4 or the identity rules reject, with element paths. */
    public static Reply invalid(List<ParseIssue> issues) {
        return Reply.of(422, Outcomes.invalid(issues));
    }

    public static Reply invalid(String path, String why) {
        return invalid(List.of(new ParseIssue(path, why)));
    }

    public static Reply unauthorized() {
        return new Reply(401, Map.of("WWW-Authenticate", "Bearer realm=\"ehrflow-fhir-gateway\""),
                Outcomes.error(IssueType.LOGIN, "a valid bearer token is required"));
    }

    public static Reply forbidden(String type, String path) {
        return Reply.of(403, Outcomes.error(IssueType.FORBIDDEN,
                "this client may not write " + type + " resources", path));
    }

    public static Reply notFound() {
        return Reply.of(404, Outcomes.error(IssueType.NOTSUPPORTED,
                "no such endpoint: the gateway accepts writes, $process-message and GET metadata"));
    }

    public static Reply methodNotAllowed() {
        return Reply.of(405, Outcomes.error(IssueType.NOTSUPPORTED, "method not supported on this path"));
    }

    public static Reply unsupportedMediaType() {
        return Reply.of(415, Outcomes.error(IssueType.NOTSUPPORTED,
                "Content-Type must be application/fhir+json or application/fhir+xml"));
    }

    public static Reply tooLarge(long limit) {
        return Reply.of(413, Outcomes.error(IssueType.TOOLONG, "request body larger than " + limit + " bytes"));
    }

    /** 503: the broker did not acknowledge within the deadline; nothing of the request is guaranteed stored. */
    public static Reply unavailable(int retryAfterSeconds) {
        return new Reply(503, Map.of("Retry-After", Integer.toString(retryAfterSeconds)),
                Outcomes.error(IssueType.TRANSIENT,
                        "the message broker did not acknowledge the write; retry the whole request"));
    }

    public static Reply internal(String exceptionClass) {
        return Reply.of(500, Outcomes.error(IssueType.EXCEPTION, "internal error (" + exceptionClass + ")"));
    }
}
