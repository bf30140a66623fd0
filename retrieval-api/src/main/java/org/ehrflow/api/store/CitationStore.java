package org.ehrflow.api.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ehrflow.api.auth.TextLevel;

/**
 * Whether cited resources are still current. A resource absent from the store is deleted (the sink removes rows
 * and source records on DELETE); a FHIR status {@code entered-in-error} or a version other than the cited one is
 * reported as such. Chunk sources that are aggregates (an encounter's facts) have chunk rows but may have no
 * source record: rows present count as current. The de-identified login gets the same answer through a function
 * that returns only status and version, never the record.
 */
public final class CitationStore {

    /** What the store holds now for a resource; {@code exists} false when nothing is left of it. */
    public record Current(boolean exists, String version, String status) {
    }

    private static final String RAW = """
            SELECT r.ref, s.version_id, s.resource_json ->> 'status', s.resource_ref IS NOT NULL,
                   EXISTS (SELECT 1 FROM ehrflow.chunk c WHERE c.patient_key = ? AND c.source_id = r.ref)
            FROM unnest(?::text[]) AS r(ref)
            LEFT JOIN ehrflow.source_record s ON s.patient_key = ? AND s.resource_ref = r.ref""";
    // the de-identified login has no grant on source_record (its JSON is PHI): citation_status_deid (V8) answers
    // the version and the status code only, for the patient the transaction is scoped to
    private static final String DEID = """
            SELECT st.resource_ref, st.version_id, st.status, st.recorded,
                   EXISTS (SELECT 1 FROM ehrflow.chunk c WHERE c.patient_key = ? AND c.source_id = st.resource_ref)
            FROM ehrflow.citation_status_deid(?, ?::text[]) AS st""";

    private CitationStore() {
    }

    public static Map<String, Current> current(Connection c, TextLevel level, String patientKey, List<String> refs)
            throws SQLException {
        Map<String, Current> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(level == TextLevel.RAW ? RAW : DEID)) {
            var arr = c.createArrayOf("text", refs.toArray());
            if (level == TextLevel.RAW) {
                ps.setString(1, patientKey);
                ps.setArray(2, arr);
                ps.setString(3, patientKey);
            } else {
                ps.setString(1, patientKey);
                ps.setString(2, patientKey);
                ps.setArray(3, arr);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    boolean record = rs.getBoolean(4);
                    boolean chunks = rs.getBoolean(5);
                    out.put(rs.getString(1), new Current(record || chunks, rs.getString(2), rs.getString(3)));
                }
            }
        }
        return out;
    }
}
