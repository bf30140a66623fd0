package org.ehrflow.gateway.ingest;

import java.util.Map;
import org.hl7.fhir.r4.model.Resource;

/**
 * An HTTP answer as the pure layer decides it: status, extra headers, and a FHIR resource body (an
 * OperationOutcome, a CapabilityStatement, a response Bundle) or none.
 */
public record Reply(int status, Map<String, String> headers, Resource body) {

    public Reply {
        headers = Map.copyOf(headers);
    }

    public static Reply of(int status, Resource body) {
        return new Reply(status, Map.of(), body);
    }
}
