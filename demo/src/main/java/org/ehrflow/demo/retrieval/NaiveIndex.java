package org.ehrflow.demo.retrieval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pgvector.PGvector;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.ehrflow.embedding.Embedder;
import org.ehrflow.embedding.ModelTokenizer.TokenSpan;
import org.ehrflow.embedding.TokenCounter;

/**
 * The naive baseline the issue compares against, the seeds' approach: every resource of {@code ehrflow.source_record}
 * as its raw text (a note's decoded attachment) or else its JSON, cut into fixed windows of the model's token budget
 * with no context header and no structure, embedded with the same model and searched dense only. Built in its own
 * table ({@code bench.naive_chunk}) beside the pipeline's rows.
 */
final class NaiveIndex implements Searcher {

    private static final String SEARCH = """
            SELECT text, source_id FROM bench.naive_chunk WHERE patient_key = ?
            ORDER BY embedding <=> ?::vector, chunk_id LIMIT ?""";

    @Override
    public String name() {
        return "naive dense";
    }

    /** (Re)builds the table for {@code patients} with {@code embedder}; returns how many chunks it embedded. */
    static int build(Connection c, Embedder embedder, TokenCounter tokens, int contentTokens, List<String> patients)
            throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS bench");
            st.execute("DROP TABLE IF EXISTS bench.naive_chunk");
            st.execute("CREATE TABLE bench.naive_chunk (patient_key text, chunk_id text, source_id text, text text, "
                    + "embedding public.vector(" + embedder.dimensions() + "), PRIMARY KEY (patient_key, chunk_id))");
        }
        c.commit();
        ObjectMapper json = new ObjectMapper();
        List<String[]> rows = new ArrayList<>();
        try (PreparedStatement sel = c.prepareStatement("SELECT patient_key, resource_ref, resource_json::text "
                + "FROM ehrflow.source_record WHERE patient_key = ANY (?) ORDER BY 1, 2")) {
            sel.setArray(1, c.createArrayOf("text", patients.toArray()));
            ResultSet rs = sel.executeQuery();
            while (rs.next()) {
                String raw = rawText(json, rs.getString(3));
                List<String> windows = windows(raw, tokens, contentTokens);
                for (int i = 0; i < windows.size(); i++) {
                    rows.add(new String[] {rs.getString(1), rs.getString(2) + "#" + i, rs.getString(2),
                            windows.get(i)});
                }
            }
        }
        try (PreparedStatement ins = c.prepareStatement(
                "INSERT INTO bench.naive_chunk VALUES (?, ?, ?, ?, ?::vector)")) {
            for (int from = 0; from < rows.size(); from += 64) {
                List<String[]> part = rows.subList(from, Math.min(rows.size(), from + 64));
                List<float[]> vectors = embedder.embed(part.stream().map(r -> r[3]).toList());
                for (int i = 0; i < part.size(); i++) {
                    String[] r = part.get(i);
                    ins.setString(1, r[0]);
                    ins.setString(2, r[1]);
                    ins.setString(3, r[2]);
                    ins.setString(4, r[3]);
                    ins.setString(5, new PGvector(vectors.get(i)).toString());
                    ins.addBatch();
                }
                ins.executeBatch();
            }
        }
        c.commit();
        return rows.size();
    }

    /** A note's text if the resource carries one as a plain-text attachment, else its JSON. */
    static String rawText(ObjectMapper json, String resourceJson) throws Exception {
        JsonNode r = json.readTree(resourceJson);
        List<JsonNode> attachments = new ArrayList<>();
        r.path("content").forEach(c -> attachments.add(c.path("attachment")));
        r.path("presentedForm").forEach(attachments::add);
        for (JsonNode a : attachments) {
            String type = a.path("contentType").asText("text/plain");
            if (a.hasNonNull("data") && type.startsWith("text/plain")) {
                return new String(Base64.getMimeDecoder().decode(a.get("data").asText()), StandardCharsets.UTF_8);
            }
        }
        return resourceJson;
    }

    /** Consecutive windows of at most {@code size} tokens, cut at token boundaries. */
    static List<String> windows(String text, TokenCounter tokens, int size) {
        List<TokenSpan> spans = tokens.spans(text);
        List<String> out = new ArrayList<>();
        for (int from = 0; from < spans.size(); from += size) {
            int to = Math.min(spans.size(), from + size) - 1;
            int end = to + 1 < spans.size() ? spans.get(to + 1).start() : text.length();
            out.add(text.substring(spans.get(from).start(), end).strip());
        }
        return out;
    }

    @Override
    public List<Hit> search(Connection c, String patientKey, String question, float[] queryVector, int k)
            throws SQLException {
        List<Hit> hits = new ArrayList<>(k);
        try (PreparedStatement ps = c.prepareStatement(SEARCH)) {
            ps.setString(1, patientKey);
            ps.setString(2, new PGvector(queryVector).toString());
            ps.setInt(3, k);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    hits.add(new Hit(rs.getString(1), List.of(rs.getString(2))));
                }
            }
        }
        c.commit();
        return hits;
    }
}
