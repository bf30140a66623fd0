package org.ehrflow.gateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.List;
import org.ehrflow.schemas.Provenance;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.SourceType;

/**
 * Builds raw records the way the FHIR path always has: FHIR JSON as received, {@code sourceSystem} = the sender
 * (here the authenticated client), {@code sourceMessageId} = {@code Type/id/_history/version}, no event time
 * (the normaliser reads {@code meta.lastUpdated}), ingest time = the gateway's clock.
 */
final class Records {

    private final Clock clock;

    Records(Clock clock) {
        this.clock = clock;
    }

    /** A record keyed by {@link RawFhirKeys#keyOf}. */
    RawRecord of(String json, JsonNode root, String sourceSystem, List<String> touched) {
        String id = RawFhirKeys.idOf(root, json);
        return of(RawFhirKeys.keyOf(root, id), json, root, sourceSystem, touched);
    }

    /** A record with a key the caller chose. */
    RawRecord of(String key, String json, JsonNode root, String sourceSystem, List<String> touched) {
        String id = RawFhirKeys.idOf(root, json);
        RawMessage msg = new RawMessage(RawMessage.ContentType.FHIR_JSON,
                Provenance.atIngress(SourceType.FHIR, sourceSystem, RawFhirKeys.messageId(root, id), null,
                        clock.instant()),
                json);
        return new RawRecord(key, msg, touched);
    }
}
