package org.ehrflow.sink.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.Provenance;

/**
 * Writes {@code ehrflow.source_record}, the latest FHIR JSON of every resource per patient, from the normalised
 * topic: UPSERT replaces, DELETE removes, MERGE moves a retired patient's records under the surviving key.
 */
public final class SourceRecordStore {

    private static final String UPSERT = """
            INSERT INTO ehrflow.source_record (patient_key, resource_ref, resource_type, resource_id, version_id,
                encounter_id, resource_json, source_type, source_system, source_message_id, raw_topic, raw_partition,
                raw_offset, event_time, ingest_time, stored_at)
            VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, clock_timestamp())
            ON CONFLICT (patient_key, resource_ref) DO UPDATE SET
                resource_type = EXCLUDED.resource_type, resource_id = EXCLUDED.resource_id,
                version_id = EXCLUDED.version_id, encounter_id = EXCLUDED.encounter_id,
                resource_json = EXCLUDED.resource_json, source_type = EXCLUDED.source_type,
                source_system = EXCLUDED.source_system, source_message_id = EXCLUDED.source_message_id,
                raw_topic = EXCLUDED.raw_topic, raw_partition = EXCLUDED.raw_partition,
                raw_offset = EXCLUDED.raw_offset, event_time = EXCLUDED.event_time,
                ingest_time = EXCLUDED.ingest_time, stored_at = EXCLUDED.stored_at""";

    private static final String DELETE =
            "DELETE FROM ehrflow.source_record WHERE patient_key = ? AND resource_ref = ?";

    // As for chunks: a resource filed under both keys keeps the surviving patient's version.
    private static final String MERGE_DROP_COLLIDING = """
            DELETE FROM ehrflow.source_record r WHERE r.patient_key = ?
              AND EXISTS (SELECT 1 FROM ehrflow.source_record s
                          WHERE s.patient_key = ? AND s.resource_ref = r.resource_ref)""";
    private static final String MERGE_MOVE = "UPDATE ehrflow.source_record SET patient_key = ? WHERE patient_key = ?";

    /**
     * Applies {@code records} in order (offset order of their partition) in the caller's transaction. Between
     * merges only the last record of each resource counts, so upserts and deletes go out as two JDBC batches.
     */
    public void apply(Connection c, List<FhirRecord> records) throws SQLException {
        Map<String, FhirRecord> latest = new LinkedHashMap<>();
        for (FhirRecord r : records) {
            if (r.op() == org.ehrflow.schemas.RecordOp.MERGE) {
                flush(c, latest);
                merge(c, r.patientKey(), r.targetPatientKey());
            } else {
                latest.put(r.patientKey() + "\u0000" + r.reference(), r);
            }
        }
        flush(c, latest);
    }

    private static void flush(Connection c, Map<String, FhirRecord> latest) throws SQLException {
        if (latest.isEmpty()) {
            return;
        }
        try (PreparedStatement up = c.prepareStatement(UPSERT); PreparedStatement del = c.prepareStatement(DELETE)) {
            int ups = 0;
            int dels = 0;
            for (FhirRecord r : latest.values()) {
                if (r.op() == org.ehrflow.schemas.RecordOp.UPSERT) {
                    bind(up, r);
                    up.addBatch();
                    ups++;
                } else {
                    del.setString(1, r.patientKey());
                    del.setString(2, r.reference());
                    del.addBatch();
                    dels++;
                }
            }
            if (ups > 0) {
                up.executeBatch();
            }
            if (dels > 0) {
                del.executeBatch();
            }
        }
        latest.clear();
    }

    /** Moves every record of {@code retired} under {@code surviving}; returns the records moved. */
    public long merge(Connection c, String retired, String surviving) throws SQLException {
        if (retired.equals(surviving)) {
            return 0;
        }
        try (PreparedStatement drop = c.prepareStatement(MERGE_DROP_COLLIDING);
                PreparedStatement move = c.prepareStatement(MERGE_MOVE)) {
            drop.setString(1, retired);
            drop.setString(2, surviving);
            drop.executeUpdate();
            move.setString(1, surviving);
            move.setString(2, retired);
            int moved = move.executeUpdate();
            MergeAliases.record(c, retired, surviving);
            return moved;
        }
    }

    private static void bind(PreparedStatement ps, FhirRecord r) throws SQLException {
        Provenance p = r.provenance();
        int i = 1;
        ps.setString(i++, r.patientKey());
        ps.setString(i++, r.reference());
        ps.setString(i++, r.resourceType());
        ps.setString(i++, r.resourceId());
        ps.setString(i++, r.versionId());
        ps.setString(i++, r.encounterId());
        ps.setString(i++, r.resourceJson());
        ps.setString(i++, p.sourceType().name());
        ps.setString(i++, p.sourceSystem());
        ps.setString(i++, p.sourceMessageId());
        ps.setString(i++, p.rawTopic());
        ps.setInt(i++, p.rawPartition());
        ps.setLong(i++, p.rawOffset());
        setTime(ps, i++, p.eventTime());
        setTime(ps, i, p.ingestTime());
    }

    private static void setTime(PreparedStatement ps, int i, Instant t) throws SQLException {
        ps.setObject(i, t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
    }
}
