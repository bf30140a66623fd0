package org.ehrflow.chaos;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A digest of what retrieval can see: every chunk (patient key, chunk id, content hash, model, vector) and every
 * source record (patient key, resource, version, FHIR JSON). Equal digests mean equal searchable state. Provenance
 * columns (offsets, ingest times) are left out: they legitimately differ between runs.
 */
final class StateDigest {

    private StateDigest() {
    }

    /**
     * @param includeCdc false leaves out rows that came from CDC: their content carries the EHR database's own
     *                   {@code now()} timestamps, so they differ between two runs of the same seed
     */
    static String of(Connection c, boolean includeCdc) throws SQLException {
        String where = includeCdc ? "" : " WHERE source_type <> 'CDC'";
        String chunks = one(c, "SELECT md5(coalesce(string_agg(patient_key || '|' || chunk_id || '|' || content_hash"
                + " || '|' || model_name || '|' || md5(embedding::text), E'\\n' ORDER BY patient_key, chunk_id), ''))"
                + " FROM ehrflow.chunk" + where);
        String records = one(c, "SELECT md5(coalesce(string_agg(patient_key || '|' || resource_ref || '|' || "
                + "coalesce(version_id, '') || '|' || md5(resource_json::text), E'\\n' "
                + "ORDER BY patient_key, resource_ref), '')) FROM ehrflow.source_record" + where);
        long chunkRows = count(c, "SELECT count(*) FROM ehrflow.chunk" + where);
        long recordRows = count(c, "SELECT count(*) FROM ehrflow.source_record" + where);
        return chunkRows + " chunks " + chunks.substring(0, 12) + ", " + recordRows + " records "
                + records.substring(0, 12);
    }

    static String one(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
