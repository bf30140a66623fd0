package org.ehrflow.gateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.ehrflow.gateway.auth.Client;

/** Per-resource checks every write passes: the client's allowed types, and a Patient's identity. */
final class WriteChecks {

    private final PatientIdentity identity;

    WriteChecks(PatientIdentity identity) {
        this.identity = identity;
    }

    /** A refusal for writing the resource {@code r} (at element path {@code path}), or empty. */
    Optional<Reply> refuse(JsonNode r, Client client, String scope, String path) {
        String type = r.path("resourceType").asText();
        if (!client.mayWrite(type)) {
            return Optional.of(Replies.forbidden(type, path));
        }
        if (type.equals("Patient") && !identity.identifiable(r, scope)) {
            return Optional.of(Replies.invalid(path + ".identifier",
                    "no identifier of this Patient makes a patient key: it needs a value and either a system "
                            + "among the configured key systems, an MR type with a system, or a type among the "
                            + "fallback types (identifiers without a system belong to the sender)"));
        }
        return Optional.empty();
    }
}
