package org.ehrflow.cdc.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Repairs a MariaDB binlog offset before it is stored. Debezium's MySQL connector counts the rows and events to
 * skip on restart from a transaction's BEGIN event; MariaDB's binlog has no BEGIN event (its GTID event opens a
 * transaction, which that connector does not read), so the stored position is already past the last processed
 * rows event while the skip counters still count its rows: a restart skipped that many rows of the NEXT
 * transaction (found by the idle-restart case of MariaDbCaptureIT and the latency driver: one lost change per
 * restart). Storing the position without the counters resumes right after the last processed event. Left as is:
 * PostgreSQL offsets (no {@code file}), snapshot offsets, and anything that is not a JSON object.
 */
final class BinlogRestartOffsets {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BinlogRestartOffsets() {
    }

    static ByteBuffer repair(ByteBuffer value) {
        if (value == null) {
            return null;
        }
        byte[] bytes = new byte[value.remaining()];
        value.duplicate().get(bytes);
        byte[] repaired = repair(bytes);
        return repaired == bytes ? value : ByteBuffer.wrap(repaired);
    }

    /** The offset without {@code row}/{@code event} when it is a streaming binlog offset; else the same array. */
    static byte[] repair(byte[] value) {
        try {
            JsonNode n = JSON.readTree(value);
            if (n instanceof ObjectNode o && o.has("file") && o.has("pos") && !o.has("snapshot")
                    && (o.has("row") || o.has("event"))) {
                o.remove("row");
                o.remove("event");
                return JSON.writeValueAsBytes(o);
            }
        } catch (IOException e) {
            // not JSON: not ours to change
        }
        return value;
    }
}
