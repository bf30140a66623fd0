package org.ehrflow.sink.store;

import com.pgvector.PGvector;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.ehrflow.schemas.Chunk;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.Citation;

/**
 * The one description of an {@code ehrflow.chunk} row as the sink writes it: each column's name, its value
 * expression and how it is bound from a chunk. The INSERT and upsert statements (with or without the shadow
 * columns of a re-index) are generated from it, and {@link #bind} fills their parameters in the same order, so a
 * new column is one line here (Debezium's JDBC sink derives its statements from one field description the same way).
 */
public final class ChunkColumns {

    /** One chunk row to bind: the chunk, its set, the vector of {@code model}, and the shadow vector if any. */
    public record Row(Connection c, ChunkSet set, Chunk chunk, float[] vector, String model, String nextModel,
            float[] nextVector) {
    }

    @FunctionalInterface
    public interface Binder {
        void bind(PreparedStatement ps, int i, Row r) throws SQLException;
    }

    /** A column; {@code binder} null means the value is the SQL expression {@code value}, not a parameter. */
    public record Column(String name, String value, Binder binder) {
        static Column param(String name, Binder binder) {
            return new Column(name, "?", binder);
        }
    }

    /** The key the upsert conflicts on; every other column is overwritten. */
    private static final List<String> KEY = List.of("patient_key", "chunk_id");

    /** The row's columns in statement order (the first 24 are the V1 columns the raw benchmark writes too). */
    public static final List<Column> BASE = List.of(
            Column.param("patient_key", (ps, i, r) -> ps.setString(i, r.set().patientKey())),
            Column.param("chunk_id", (ps, i, r) -> ps.setString(i, r.chunk().chunkId())),
            Column.param("source_id", (ps, i, r) -> ps.setString(i, r.set().sourceId())),
            Column.param("resource_type", (ps, i, r) -> ps.setString(i, r.set().resourceType())),
            Column.param("resource_version", (ps, i, r) -> ps.setString(i, r.set().resourceVersion())),
            Column.param("encounter_id", (ps, i, r) -> ps.setString(i, r.set().encounterId())),
            Column.param("note_type", (ps, i, r) -> ps.setString(i, r.set().noteType())),
            Column.param("section", (ps, i, r) -> ps.setString(i, r.chunk().section())),
            Column.param("chunk_index", (ps, i, r) -> ps.setInt(i, r.chunk().index())),
            Column.param("text", (ps, i, r) -> ps.setString(i, r.chunk().text())),
            Column.param("token_count", (ps, i, r) -> ps.setInt(i, r.chunk().tokenCount())),
            Column.param("content_hash", (ps, i, r) -> ps.setString(i, r.chunk().contentHash())),
            Column.param("phi_present", (ps, i, r) -> ps.setBoolean(i, r.chunk().phiPresent())),
            Column.param("phi_kinds", (ps, i, r) -> ps.setArray(i, texts(r, r.chunk().phiKinds()))),
            Column.param("source_type", (ps, i, r) -> ps.setString(i, r.set().provenance().sourceType().name())),
            Column.param("source_system", (ps, i, r) -> ps.setString(i, r.set().provenance().sourceSystem())),
            Column.param("source_message_id", (ps, i, r) -> ps.setString(i, r.set().provenance().sourceMessageId())),
            Column.param("raw_topic", (ps, i, r) -> ps.setString(i, r.set().provenance().rawTopic())),
            Column.param("raw_partition", (ps, i, r) -> ps.setInt(i, r.set().provenance().rawPartition())),
            Column.param("raw_offset", (ps, i, r) -> ps.setLong(i, r.set().provenance().rawOffset())),
            Column.param("event_time", (ps, i, r) -> setTime(ps, i, r.set().provenance().eventTime())),
            Column.param("ingest_time", (ps, i, r) -> setTime(ps, i, r.set().provenance().ingestTime())),
            Column.param("model_name", (ps, i, r) -> ps.setString(i, r.model())),
            Column.param("embedding", (ps, i, r) -> ps.setObject(i, new PGvector(r.vector()))),
            Column.param("page_start", (ps, i, r) -> ps.setObject(i, cite(r) == null ? null : cite(r).pageStart(),
                    Types.INTEGER)),
            Column.param("page_end", (ps, i, r) -> ps.setObject(i, cite(r) == null ? null : cite(r).pageEnd(),
                    Types.INTEGER)),
            Column.param("section_code", (ps, i, r) -> ps.setString(i, cite(r) == null ? null : cite(r).sectionCode())),
            Column.param("document_part", (ps, i, r) -> ps.setString(i, cite(r) == null ? null : cite(r).attachment())),
            Column.param("ocr", (ps, i, r) -> ps.setBoolean(i, cite(r) != null && cite(r).ocr())),
            Column.param("ocr_confidence", (ps, i, r) -> ps.setObject(i, cite(r) == null
                    || cite(r).ocrConfidence() == null ? null : cite(r).ocrConfidence().floatValue(), Types.REAL)),
            Column.param("ocr_low_confidence", (ps, i, r) -> ps.setBoolean(i, cite(r) != null
                    && cite(r).lowConfidence())),
            Column.param("deidentified_text", (ps, i, r) -> ps.setString(i, r.chunk().deidentifiedText())),
            // A chunk from a chunker that lists no citations (older JSON) cites its set's source.
            Column.param("cites", (ps, i, r) -> ps.setArray(i, texts(r, r.chunk().cites().isEmpty()
                    ? List.of(r.set().sourceId()) : r.chunk().cites()))),
            new Column("indexed_at", "clock_timestamp()", null));

    /** During a re-index with dual writes: the shadow vector of the model being built, for the row's text. */
    public static final List<Column> SHADOW = List.of(
            Column.param("next_model_name", (ps, i, r) -> ps.setString(i, r.nextModel())),
            Column.param("next_content_hash", (ps, i, r) -> ps.setString(i, r.chunk().contentHash())),
            Column.param("next_embedding", (ps, i, r) -> ps.setObject(i, new PGvector(r.nextVector()))));

    private ChunkColumns() {
    }

    /** The columns written with or without the shadow columns. */
    public static List<Column> of(boolean dual) {
        if (!dual) {
            return BASE;
        }
        List<Column> all = new ArrayList<>(BASE);
        all.addAll(SHADOW);
        return List.copyOf(all);
    }

    /** A plain INSERT of {@code columns} (a source with no rows yet: cheaper than the upsert's speculation). */
    public static String insert(List<Column> columns) {
        return "INSERT INTO ehrflow.chunk (" + columns.stream().map(Column::name).collect(Collectors.joining(", "))
                + ") VALUES (" + columns.stream().map(Column::value).collect(Collectors.joining(", ")) + ")";
    }

    /** The upsert on the chunk key, overwriting every other column of {@code columns}. */
    public static String upsert(List<Column> columns) {
        return insert(columns) + " ON CONFLICT (" + String.join(", ", KEY) + ") DO UPDATE SET "
                + columns.stream().map(Column::name).filter(n -> !KEY.contains(n))
                        .map(n -> n + " = EXCLUDED." + n).collect(Collectors.joining(", "));
    }

    /** Binds {@code row} to the parameters of a statement generated from {@code columns}. */
    public static void bind(PreparedStatement ps, List<Column> columns, Row row) throws SQLException {
        int i = 1;
        for (Column col : columns) {
            if (col.binder() != null) {
                col.binder().bind(ps, i++, row);
            }
        }
    }

    static void setTime(PreparedStatement ps, int i, Instant t) throws SQLException {
        ps.setObject(i, t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
    }

    private static Citation cite(Row r) {
        return r.chunk().citation();
    }

    private static Array texts(Row r, List<String> values) throws SQLException {
        return r.c().createArrayOf("text", values.toArray());
    }
}
