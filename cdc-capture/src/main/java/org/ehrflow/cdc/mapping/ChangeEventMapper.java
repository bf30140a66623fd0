package org.ehrflow.cdc.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.util.Set;
import org.ehrflow.cdc.error.ReasonCodes;
import org.ehrflow.schemas.Json;
import org.ehrflow.schemas.Provenance;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.SourceType;

/**
 * Turns one Debezium change event (envelope JSON, schemas disabled) of the demo EHR into a raw CDC record keyed
 * by the EHR patient row id. Pure: it never sees Kafka or Debezium types.
 */
public final class ChangeEventMapper {

    /** Source system name in provenance. */
    public static final String SOURCE_SYSTEM = "ehr-db";
    /** Raw topic key prefix; the rest is {@code ehr.patients.id}. */
    public static final String KEY_PREFIX = "ehr-patient:";
    /** Debezium's default heartbeat topic prefix ({@code topic.heartbeat.prefix}). */
    public static final String HEARTBEAT_TOPIC_PREFIX = "__debezium-heartbeat";

    private static final Set<String> OPS = Set.of("c", "u", "d", "r");
    /** Tables whose rows name their patient in {@code patient_id}. */
    public static final Set<String> PATIENT_SCOPED = Set.of("ehr.encounters", "ehr.notes", "ehr.lab_results",
            "ehr.medication_orders", "ehr.allergies", "ehr.diagnoses");
    /** Debezium's signal table: captured so the connector sees signals, never published to the raw topic. */
    public static final String SIGNAL_TABLE = "ehr.debezium_signal";

    /**
     * @param destination the engine's destination topic (e.g. {@code ehrdb.ehr.notes} or the heartbeat topic)
     * @param value       the event value JSON, null for a tombstone
     * @param ingestTime  the capture clock now
     */
    public MappingResult map(String destination, String value, Instant ingestTime) {
        if (destination != null && destination.startsWith(HEARTBEAT_TOPIC_PREFIX)) {
            return new MappingResult.Skipped("heartbeat");
        }
        if (value == null) {
            return new MappingResult.Skipped("tombstone");
        }
        JsonNode event;
        try {
            event = Json.MAPPER.readTree(value);
        } catch (IOException e) {
            return new MappingResult.Rejected(ReasonCodes.CDC_NOT_JSON, String.valueOf(destination));
        }
        if (event == null || !event.isObject()) {
            return new MappingResult.Rejected(ReasonCodes.CDC_NOT_JSON, String.valueOf(destination));
        }
        JsonNode source = event.path("source");
        String schema = source.path("schema").asText("");
        String table = source.path("table").asText("");
        if (schema.isEmpty() || table.isEmpty()) {
            return new MappingResult.Rejected(ReasonCodes.CDC_NO_SOURCE, String.valueOf(destination));
        }
        String qualified = schema + "." + table;
        if (SIGNAL_TABLE.equals(qualified)) {
            return new MappingResult.Skipped("signal");
        }
        String lsn = source.path("lsn").isIntegralNumber() ? source.path("lsn").asText() : "-";
        JsonNode row = rowImage(event);
        Long rowId = integral(row.path("id"));
        String messageId = qualified + ":" + lsn + ":" + (rowId == null ? "-" : rowId);
        String op = event.path("op").asText("");
        if (!OPS.contains(op)) {
            return new MappingResult.Rejected(ReasonCodes.CDC_UNKNOWN_OP, messageId);
        }
        Long patientId;
        if ("ehr.patients".equals(qualified)) {
            patientId = rowId;
        } else if (PATIENT_SCOPED.contains(qualified)) {
            patientId = integral(row.path("patient_id"));
        } else {
            return new MappingResult.Rejected(ReasonCodes.CDC_UNKNOWN_TABLE, messageId);
        }
        if (rowId == null) {
            return new MappingResult.Rejected(ReasonCodes.CDC_NO_ROW_ID, messageId);
        }
        if (patientId == null) {
            return new MappingResult.Rejected(ReasonCodes.CDC_NO_PATIENT_ID, messageId);
        }
        JsonNode tsMs = source.path("ts_ms");
        Instant eventTime = tsMs.isIntegralNumber() ? Instant.ofEpochMilli(tsMs.asLong()) : null;
        Provenance provenance = Provenance.atIngress(SourceType.CDC, SOURCE_SYSTEM, messageId, eventTime, ingestTime);
        RawMessage raw = new RawMessage(RawMessage.ContentType.DEBEZIUM_JSON, provenance, value);
        return new MappingResult.Mapped(KEY_PREFIX + patientId, qualified, op, raw);
    }

    // The row the event is about: the new image, or the old one for deletes (REPLICA IDENTITY FULL keeps it whole).
    private static JsonNode rowImage(JsonNode event) {
        JsonNode after = event.path("after");
        return after.isObject() ? after : event.path("before");
    }

    private static Long integral(JsonNode n) {
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return n.asLong();
        }
        if (n.isTextual() && n.asText().matches("-?\\d{1,18}")) {
            return Long.parseLong(n.asText());
        }
        return null;
    }
}
