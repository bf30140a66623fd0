package org.ehrflow.demo;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.ehrflow.embedding.Embedder;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.schemas.Topics;
import org.ehrflow.sink.search.ChunkSearch;
import org.ehrflow.sink.search.SearchHit;

/**
 * The demo's closing report: records in, out and dead-lettered per stage, rows per source, freshness (event
 * accepted to row committed) p50/p99, and a patient-scoped semantic search with provenance. Prints counts,
 * codes and the demo's synthetic text only.
 */
public final class DemoReport {

    private final KafkaSettings kafka;
    private final PrintStream out;

    public DemoReport(KafkaSettings kafka, PrintStream out) {
        this.kafka = kafka;
        this.out = out;
    }

    /** Records per stage: what it consumed, produced and dead-lettered. */
    public void stages() {
        out.println("\n== Stages: records in / out / dead-lettered ==");
        Map<String, Long> raw = new LinkedHashMap<>();
        for (var t : List.of(Topics.RAW_HL7V2, Topics.RAW_FHIR, Topics.RAW_CDC)) {
            long n = TopicCounter.count(kafka, t.name()).records();
            raw.put(t.name(), n);
            out.printf(Locale.ROOT, "  %-34s %6d records%n", t.name(), n);
        }
        long rawTotal = raw.values().stream().mapToLong(Long::longValue).sum();
        long resources = TopicCounter.count(kafka, Topics.FHIR_RESOURCES.name()).records();
        long sets = TopicCounter.count(kafka, Topics.CHUNKS.name()).records();
        stageLine(Topics.APP_HL7_LISTENER, -1, raw.get(Topics.RAW_HL7V2.name()));
        stageLine(Topics.APP_CDC_CAPTURE, -1, raw.get(Topics.RAW_CDC.name()));
        stageLine(Topics.APP_FHIR_NORMALIZER, rawTotal, resources);
        stageLine(Topics.APP_CHUNKER, resources, sets);
        stageLine(Topics.APP_EMBEDDER_SINK, sets, -1);
    }

    private void stageLine(String app, long in, long outCount) {
        TopicCounter.Count dlq = TopicCounter.count(kafka, Topics.dlq(app).name());
        out.printf(Locale.ROOT, "  %-16s in=%-6s out=%-6s dlq=%d %s%n", app, in < 0 ? "-" : Long.toString(in),
                outCount < 0 ? "rows" : Long.toString(outCount), dlq.records(),
                dlq.byReason().isEmpty() ? "" : dlq.byReason());
    }

    /** Rows, patients and freshness per source type. */
    public Map<String, Long> rowsAndFreshness(Connection rag) throws SQLException {
        out.println("\n== Vector rows and freshness (event accepted -> row committed) per source ==");
        Map<String, Long> rows = new TreeMap<>();
        try (Statement st = rag.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT source_type, count(*), count(DISTINCT patient_key),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM indexed_at - ingest_time)),
                       percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM indexed_at - ingest_time))
                FROM ehrflow.chunk GROUP BY source_type ORDER BY source_type""")) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getLong(2));
                out.printf(Locale.ROOT, "  %-6s rows=%-6d patients=%-4d freshness p50=%.0f ms p99=%.0f ms%n",
                        rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getDouble(4) * 1000,
                        rs.getDouble(5) * 1000);
            }
        }
        return rows;
    }

    /** A patient-scoped semantic search, with the provenance a retrieval service would cite. */
    public List<SearchHit> search(Connection rag, Embedder embedder, String patientKey, String question, int k)
            throws SQLException {
        float[] q = embedder.embed(List.of(question)).get(0);
        List<SearchHit> hits = ChunkSearch.search(rag, patientKey, q, k);
        out.println("\n== Search (patient " + patientKey + "): \"" + question + "\" ==");
        int i = 1;
        for (SearchHit h : hits) {
            out.printf(Locale.ROOT, "  %d. distance=%.3f  %s [%s] %s%n", i++, h.distance(), h.sourceId(),
                    h.section() == null ? "-" : h.section(), h.noteType() == null ? "" : h.noteType());
            out.printf(Locale.ROOT, "     cites: %s %s msg=%s at %s-%d@%d%n", h.sourceType(), h.sourceSystem(),
                    h.sourceMessageId(), h.rawTopic(), h.rawPartition(), h.rawOffset());
            if (h.citation() != null) {
                org.ehrflow.schemas.Citation c = h.citation();
                out.printf(Locale.ROOT, "     in the document: %s%s%s%s%n",
                        c.pageStart() == null ? "" : "page " + c.pageStart()
                                + (c.pageEnd() != null && !c.pageEnd().equals(c.pageStart()) ? "-" + c.pageEnd() : ""),
                        c.sectionCode() == null ? "" : "section " + c.sectionCode(),
                        c.ocr() ? String.format(Locale.ROOT, " (OCR, confidence %.1f%s)", c.ocrConfidence(),
                                c.lowConfidence() ? ", low" : "") : "",
                        c.attachment() == null ? "" : " from " + c.attachment());
            }
            out.println("     " + h.text().replace('\n', ' ').substring(0, Math.min(160, h.text().length())));
        }
        return hits;
    }
}
