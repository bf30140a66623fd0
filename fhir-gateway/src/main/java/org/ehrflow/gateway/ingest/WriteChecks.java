package org.ehrflow.gateway.ingest;

import java.util.Optional;
import org.ehrflow.gateway.auth.Client;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

/** Per-resource checks every write passes: the client's allowed types, and a Patient's identity. */
final class WriteChecks {

    private final PatientIdentity identity;

    WriteChecks(PatientIdentity identity) {
        this.identity = identity;
    }

    /** A refusal for writing {@code r} (at element path {@code path}), or empty. */
    Optional<Reply> refuse(Resource r, Client client, String scope, String path) {
        if (!client.mayWrite(r.fhirType())) {
            return Optional.of(Replies.forbidden(r.fhirType(), path));
        }
        if (r instanceof Patient p && !identity.identifiable(p, scope)) {
            return Optional.of(Replies.invalid(path + ".identifier",
                    "no identifier of this Patient makes a patient key: it needs a value and either a system "
                            + "among the configured key systems, an MR type with a system, or a type among the "
                            + "fallback types (identifiers without a system belong to the sender)"));
        }
        return Optional.empty();
    }
}
