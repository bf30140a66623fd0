package org.ehrflow.api.store;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.ehrflow.api.auth.TextLevel;

/**
 * The patient-event memory, read side: one entry per resource, newest first by event time (ingest time where
 * the source gave none), keyset-paged by (time, reference) so pages stay stable while new events arrive.
 * Raw callers read {@code ehrflow.source_record} with a short rendering (code or type text, status); the
 * de-identified login has no grant there (raw FHIR JSON is PHI) and reads the chunk rows instead, rendering the
 * first chunk's de-identified text.
 */
public final class TimelineStore {

    /** One event. {@code rendering} is PHI (clinical text): never logged. */
    public record Entry(String resourceRef, String resourceType, Instant time, String version, String status,
            String rendering) {
        @Override
        public String toString() {
            return "Entry[" + resourceRef + " " + time + "]";
        }
    }

    /** A page and the cursor of the next one (null at the end). */
    public record Page(List<Entry> entries, String nextCursor) {
    }

    /** What a request asks for; {@code types} empty = all. */
    public record Query(List<String> types, Instant since, Instant until, int limit, String cursor) {
    }

    private static final String RAW = """
            SELECT resource_ref, resource_type, coalesce(event_time, ingest_time) AS t, version_id,
                   resource_json ->> 'status',
                   coalesce(resource_json #>> '{code,text}', resource_json #>> '{code,coding,0,display}',
                            resource_json #>> '{type,0,text}', resource_json #>> '{type,0,coding,0,display}',
                            resource_json #>> '{medicationCodeableConcept,text}',
                            resource_json #>> '{medicationCodeableConcept,coding,0,display}',
                            resource_json #>> '{class,display}', resource_json ->> 'description')
            FROM ehrflow.source_record
            WHERE patient_key = ?
              AND (cardinality(?::text[]) = 0 OR resource_type = ANY (?::text[]))
              AND (?::timestamptz IS NULL OR coalesce(event_time, ingest_time) >= ?::timestamptz)
              AND (?::timestamptz IS NULL OR coalesce(event_time, ingest_time) < ?::timestamptz)
              AND (?::timestamptz IS NULL OR (coalesce(event_time, ingest_time), resource_ref) < (?::timestamptz, ?))
            ORDER BY t DESC, resource_ref DESC
            LIMIT ?""";
    private static final String DEID = """
            SELECT source_id, resource_type, t, resource_version, NULL::text, left(deidentified_text, 200)
            FROM (SELECT DISTINCT ON (source_id) source_id, resource_type, coalesce(event_time, ingest_time) AS t,
                         resource_version, deidentified_text
                  FROM ehrflow.chunk WHERE patient_key = ? ORDER BY source_id, chunk_index) s
            WHERE (cardinality(?::text[]) = 0 OR resource_type = ANY (?::text[]))
              AND (?::timestamptz IS NULL OR t >= ?::timestamptz)
              AND (?::timestamptz IS NULL OR t < ?::timestamptz)
              AND (?::timestamptz IS NULL OR (t, source_id) < (?::timestamptz, ?))
            ORDER BY t DESC, source_id DESC
            LIMIT ?""";

    private TimelineStore() {
    }

    public static Page read(Connection c, TextLevel level, String patientKey, Query q) throws SQLException {
        Cursor after = Cursor.decode(q.cursor());
        List<Entry> entries = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(level == TextLevel.RAW ? RAW : DEID)) {
            Array types = c.createArrayOf("text", q.types().toArray());
            ps.setString(1, patientKey);
            ps.setArray(2, types);
            ps.setArray(3, types);
            ps.setObject(4, odt(q.since()));
            ps.setObject(5, odt(q.since()));
            ps.setObject(6, odt(q.until()));
            ps.setObject(7, odt(q.until()));
            ps.setObject(8, after == null ? null : odt(after.time()));
            ps.setObject(9, after == null ? null : odt(after.time()));
            ps.setString(10, after == null ? null : after.ref());
            ps.setInt(11, q.limit() + 1); // one more tells whether a next page exists
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime t = rs.getObject(3, OffsetDateTime.class);
                    entries.add(new Entry(rs.getString(1), rs.getString(2), t.toInstant(), rs.getString(4),
                            rs.getString(5), rs.getString(6)));
                }
            }
        }
        String next = null;
        if (entries.size() > q.limit()) {
            entries = entries.subList(0, q.limit());
            Entry last = entries.get(entries.size() - 1);
            next = new Cursor(last.time(), last.resourceRef()).encode();
        }
        return new Page(List.copyOf(entries), next);
    }

    /** Whether {@code cursor} is one this store issued (checked before a transaction is opened). */
    public static boolean validCursor(String cursor) {
        try {
            Cursor.decode(cursor);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static OffsetDateTime odt(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    /** The opaque page cursor: the last entry's sort key. */
    record Cursor(Instant time, String ref) {
        String encode() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    (time.toString() + "|" + ref).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String s) {
            if (s == null || s.isEmpty()) {
                return null;
            }
            String plain = new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8);
            int bar = plain.indexOf('|');
            if (bar < 0) {
                throw new IllegalArgumentException("cursor");
            }
            return new Cursor(Instant.parse(plain.substring(0, bar)), plain.substring(bar + 1));
        }
    }
}
