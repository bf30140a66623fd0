package org.ehrflow.normalizer.mapping.cdc;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ehrflow.cdcmap.TableMapping;
import org.ehrflow.normalizer.error.ReasonCodes;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.ehrflow.runtime.identity.IdentifierCandidate;
import org.ehrflow.runtime.identity.PatientKeyResolver;

/**
 * The patient of one row, as its table's mapping says: a patients table names it by its identifier column (through
 * the one identity rule set, {@link PatientKeyResolver}); any other table through the link its patient table taught
 * (waiting for it when not learned yet).
 */
final class RowPatient {

    /** The patient key, or why the row cannot have one now ({@code stop}: rejected or awaiting a link). */
    record Resolved(String key, MappingResult stop) {
    }

    private final TableMapping t;
    private final Map<String, TableMapping> tables;
    private final PatientKeyResolver resolver;

    RowPatient(TableMapping t, Map<String, TableMapping> tables, PatientKeyResolver resolver) {
        this.t = t;
        this.tables = tables;
        this.resolver = resolver;
    }

    Resolved of(CdcEvent e, LinkLookup links) {
        if (t.patient().definesPatients()) {
            String value = e.text(t.patient().identifierColumn());
            Optional<String> k = value == null ? Optional.empty() : resolver.patientKey(List.of(
                    new IdentifierCandidate(t.patient().system(), null, t.patient().identifierType(), value)));
            return k.map(key -> new Resolved(key, null))
                    .orElseGet(() -> new Resolved(null, MappingResult.Rejected.of(ReasonCodes.CDC_NO_PATIENT_ID)));
        }
        String link = link(tables, t.patient().table(), ElementRule.values(e, t.patient().columns()));
        if (link == null) {
            return new Resolved(null, MappingResult.Rejected.of(ReasonCodes.CDC_NO_PATIENT_ID));
        }
        Optional<String> k = links.find(link);
        return k.map(key -> new Resolved(key, null))
                .orElseGet(() -> new Resolved(null, new MappingResult.AwaitingLink(link)));
    }

    /** "prefix:v1|v2" of {@code table}'s learned link, or null when a value is missing. */
    static String link(Map<String, TableMapping> tables, String table, List<String> values) {
        if (values.isEmpty() || values.contains(null)) {
            return null;
        }
        return tables.get(table).learn() + ":" + String.join("|", values);
    }
}
