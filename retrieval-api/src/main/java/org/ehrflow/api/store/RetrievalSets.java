package org.ehrflow.api.store;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What a past retrieval returned, read back from the audit trail through {@code ehrflow_audit.retrieval_set}
 * (a SECURITY DEFINER window: the audit writer login can append to the log but not select from it).
 */
public final class RetrievalSets {

    /** One allowed retrieval's patient, text level and returned ids. */
    public record RetrievalSet(String patientKey, String textLevel, List<String> chunkIds,
            List<String> resourceRefs) {
        @Override
        public String toString() {
            return "RetrievalSet[" + chunkIds.size() + " chunk(s)]";
        }
    }

    private final ConnectionPool audit;

    public RetrievalSets(ConnectionPool audit) {
        this.audit = audit;
    }

    public Optional<RetrievalSet> find(UUID retrievalId) throws SQLException {
        return audit.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT patient_key, text_level, chunk_ids, resource_refs FROM ehrflow_audit.retrieval_set(?)")) {
                ps.setObject(1, retrievalId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new RetrievalSet(rs.getString(1), rs.getString(2), strings(rs.getArray(3)),
                            strings(rs.getArray(4))));
                }
            }
        });
    }

    private static List<String> strings(Array a) throws SQLException {
        return a == null ? List.of() : Arrays.asList((String[]) a.getArray());
    }
}
