package org.ehrflow.chaos;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /**
     * Writes the rows behind the digest (keys and hashes, no text) to {@code dir}, so two runs that differ can be
     * compared row by row: {@code chunks.tsv} and {@code records.tsv}.
     */
    static void dump(Connection c, Path dir) throws SQLException, IOException {
        dumpQuery(c, "SELECT source_type, patient_key, chunk_id, content_hash, model_name, md5(embedding::text) "
                + "FROM ehrflow.chunk ORDER BY patient_key, chunk_id", dir.resolve("chunks.tsv"));
        dumpQuery(c, "SELECT source_type, patient_key, resource_ref, coalesce(version_id, ''), "
                + "md5(resource_json::text) FROM ehrflow.source_record ORDER BY patient_key, resource_ref",
                dir.resolve("records.tsv"));
    }

    private static void dumpQuery(Connection c, String sql, Path file) throws SQLException, IOException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql);
                Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= n; i++) {
                    w.write(i > 1 ? "\t" : "");
                    w.write(String.valueOf(rs.getString(i)));
                }
                w.write("\n");
            }
        }
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
