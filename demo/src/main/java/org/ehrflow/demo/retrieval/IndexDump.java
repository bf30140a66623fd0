package org.ehrflow.demo.retrieval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import org.ehrflow.pipeline.Pipeline;
import org.ehrflow.localstack.LocalPostgres;

/** Writes the indexed chunks and source records as JSON lines, for writing and checking the question set. */
final class IndexDump {

    private IndexDump() {
    }

    static void write(LocalPostgres pg, Path dir) throws Exception {
        Files.createDirectories(dir);
        try (Connection c = pg.connect(Pipeline.RAG_DB)) {
            dump(c, "SELECT patient_key, chunk_id, source_id, resource_type, encounter_id, note_type, section, "
                    + "content_hash, event_time::text, text FROM ehrflow.chunk ORDER BY 1, 2",
                            dir.resolve("chunks.jsonl"));
            dump(c, "SELECT patient_key, resource_ref, event_time::text, resource_json::text AS json "
                    + "FROM ehrflow.source_record ORDER BY 1, 2", dir.resolve("records.jsonl"));
        }
    }

    private static void dump(Connection c, String sql, Path file) throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql);
                BufferedWriter w = Files.newBufferedWriter(file)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                ObjectNode row = json.createObjectNode();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), rs.getString(i));
                }
                w.write(json.writeValueAsString(row));
                w.newLine();
            }
        }
    }
}
