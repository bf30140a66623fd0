package org.ehrflow.cdc.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.ehrflow.cdc.error.ReasonCodes;
import org.ehrflow.schemas.Json;
import org.ehrflow.schemas.Provenance;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.SourceType;

/**
 * Turns one Debezium change event (envelope JSON, schemas disabled) of a mapped table into a raw CDC record keyed
 * by the patient the row names ({@link CaptureTables}: the mapping file's patient columns). Pure: it never sees
 * Kafka or Debezium types.
 */
public final class ChangeEventMapper {

    /** Source system name in provenance. */
    public static final String SOURCE_SYSTEM = "ehr-db";
    /** Raw topic key prefix of the demo EHR; the rest is {@code ehr.patients.id}. */
    public static final String KEY_PREFIX = "ehr-patient:";
    /** Debezium's default heartbeat topic prefix ({@code topic.heartbeat.prefix}). */
    public static final String HEARTBEAT_TOPIC_PREFIX = "__debezium-heartbeat";

    private static final Set<String> OPS = Set.of("c", "u", "d", "r");
    /** Debezium's signal table: captured so the connector sees signals, never published to the raw topic. */
    public static final String SIGNAL_TABLE = "ehr.debezium_signal";

    private final CaptureTables tables;

    /** The demo EHR's tables. */
    public ChangeEventMapper() {
        this(CaptureTables.DEMO);
    }

    public ChangeEventMapper(CaptureTables tables) {
        this.tables = tables;
    }

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
        // PostgreSQL names schema.table; MariaDB (binlog) has no schema level: its database is the mapping's schema.
        String schema = source.path("schema").asText(source.path("db").asText(""));
        String table = source.path("table").asText("");
        if (schema.isEmpty() || table.isEmpty()) {
            return new MappingResult.Rejected(ReasonCodes.CDC_NO_SOURCE, String.valueOf(destination));
        }
        String qualified = schema + "." + table;
        if (SIGNAL_TABLE.equals(qualified)) {
            return new MappingResult.Skipped("signal");
        }
        String lsn = position(source);
        JsonNode row = rowImage(event);
        List<String> keyColumns = tables.keyColumns().get(qualified);
        // An unmapped table's rejection still names its row by "id", the most common key.
        String rowId = values(row, keyColumns == null ? List.of("id") : keyColumns);
        String messageId = qualified + ":" + lsn + ":" + (rowId == null ? "-" : rowId);
        String op = event.path("op").asText("");
        if (!OPS.contains(op)) {
            return new MappingResult.Rejected(ReasonCodes.CDC_UNKNOWN_OP, messageId);
        }
        if (keyColumns == null) {
            return new MappingResult.Rejected(ReasonCodes.CDC_UNKNOWN_TABLE, messageId);
        }
        String patientId = values(row, tables.patientColumns().get(qualified));
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
        return new MappingResult.Mapped(tables.keyPrefix() + patientId, qualified, op, raw);
    }

    /**
     * Where the change sits in the source's log: PostgreSQL's LSN, or MariaDB's binlog file, offset and row within
     * the event ({@code binlog.000003/4711/0}): one change, one position, so re-emissions keep their message id.
     */
    static String position(JsonNode source) {
        if (source.path("lsn").isIntegralNumber()) {
            return source.path("lsn").asText();
        }
        JsonNode file = source.path("file");
        if (file.isTextual() && source.path("pos").isIntegralNumber()) {
            return file.asText() + "/" + source.path("pos").asLong() + "/" + source.path("row").asInt(0);
        }
        return "-";
    }

    // The row the event is about: the new image, or the old one for deletes (REPLICA IDENTITY FULL keeps it whole).
    private static JsonNode rowImage(JsonNode event) {
        JsonNode after = event.path("after");
        return after.isObject() ? after : event.path("before");
    }

    /** The columns' values joined by "|" (whole numbers as numbers, text as is), or null if one is missing. */
    private static String values(JsonNode row, List<String> columns) {
        StringBuilder b = new StringBuilder();
        for (String c : columns) {
            JsonNode n = row.path(c);
            String v;
            if (n.isIntegralNumber() && n.canConvertToLong()) {
                v = Long.toString(n.asLong());
            } else if (n.isTextual() && !n.asText().isBlank()) {
                v = n.asText();
            } else {
                return null;
            }
            b.append(b.length() == 0 ? "" : "|").append(v);
        }
        return b.toString();
    }
}
