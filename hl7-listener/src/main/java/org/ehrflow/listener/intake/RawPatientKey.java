package org.ehrflow.listener.intake;

import java.util.List;
import java.util.Optional;
import org.ehrflow.hl7.Er7;
import org.ehrflow.hl7.Er7Parser;
import org.ehrflow.hl7.MshHeader;
import org.ehrflow.hl7.PidIdentifiers;
import org.ehrflow.hl7.Segment;
import org.ehrflow.runtime.identity.IdentifierCandidate;
import org.ehrflow.runtime.identity.PatientKeyResolver;

/**
 * The raw record's patient key: the shared PID reader ({@link PidIdentifiers}) under runtime's key rules, exactly
 * what fhir-normalizer's {@code PatientSegmentMapper} calls, so the raw key equals the normalised patient key.
 */
final class RawPatientKey {

    private RawPatientKey() {
    }

    /** The key of the first PID of {@code text}, or empty if it names no usable identifier. */
    static Optional<String> of(String text, MshHeader h, PatientKeyResolver keys) {
        Segment pid = Er7Parser.find(Er7.normalise(text), h.delimiters(), "PID");
        if (pid == null) {
            return keys.hl7PatientKey(List.of(), List.of());
        }
        String authority = h.defaultAuthority();
        return keys.hl7PatientKey(candidates(PidIdentifiers.primary(pid, authority)),
                candidates(PidIdentifiers.alternates(pid, authority)));
    }

    static List<IdentifierCandidate> candidates(List<PidIdentifiers.Cx> cx) {
        return cx.stream().map(c -> new IdentifierCandidate(null, c.authority(), c.type(), c.value())).toList();
    }
}
