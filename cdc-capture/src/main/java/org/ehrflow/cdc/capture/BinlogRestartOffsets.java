package org.ehrflow.cdc.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * MariaDB binlog offsets on their way into and out of the offset store. Debezium's MySQL connector keeps its restart
 * position at a transaction's BEGIN query event and counts the events and rows after it that were delivered. MariaDB
 * sends no BEGIN event to a GTID-capable reader such as Debezium's binlog client (its Gtid event opens a transaction,
 * which the MySQL connector ignores), so that connector never knows it is inside a transaction: the stored position
 * is already past the last rows event it read, the skip counters count rows of that event, and a restart skipped
 * the rest of the statement or transaction (the counters even skipped rows of the NEXT one). So:
 * <ul>
 *   <li>on the way in ({@link #repair}) the counters are dropped and an earlier position of the same file is kept
 *       as a hint for the scan below;</li>
 *   <li>on the way out ({@link #rewind}) the position moves back to the start of the transaction it lies in
 *       ({@link BinlogResume}), whose rows are emitted again with the same message ids: at-least-once.</li>
 * </ul>
 * Left as is: PostgreSQL offsets (no {@code file}), snapshot offsets, and anything that is not a JSON object.
 */
final class BinlogRestartOffsets {

    /** An earlier stored position in the same binlog file: where the restart scan may begin. */
    static final String SCAN_HINT = "ehrflow_scan_from";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where to resume, given the stored file and position and the hint (0 when none). */
    interface Resolver {
        long resumeAt(String file, long pos, long hint);
    }

    private BinlogRestartOffsets() {
    }

    /**
     * The offset to store: without {@code row}/{@code event}, with {@link #SCAN_HINT} taken from the previously stored
     * value of the same key ({@code previous}, may be null); anything else is returned as is.
     */
    static byte[] repair(byte[] value, byte[] previous) {
        ObjectNode o = streaming(value);
        if (o == null) {
            return value;
        }
        o.remove("row");
        o.remove("event");
        o.remove(SCAN_HINT);
        long hint = hint(o, streaming(previous));
        if (hint > 0) {
            o.put(SCAN_HINT, hint);
        }
        return write(o);
    }

    /** The offset to resume from: at the start of the transaction around the stored position, without the hint. */
    static byte[] rewind(byte[] value, Resolver resolver) {
        ObjectNode o = streaming(value);
        if (o == null) {
            return value;
        }
        long hint = o.path(SCAN_HINT).asLong(0);
        o.remove(SCAN_HINT);
        o.remove("row");
        o.remove("event");
        o.put("pos", resolver.resumeAt(o.path("file").asText(), o.path("pos").asLong(), hint));
        return write(o);
    }

    private static long hint(ObjectNode now, ObjectNode previous) {
        if (previous == null || !previous.path("file").asText().equals(now.path("file").asText())) {
            return 0;
        }
        long prev = previous.path("pos").asLong();
        return prev < now.path("pos").asLong() ? prev : previous.path(SCAN_HINT).asLong(0);
    }

    /** The value as a streaming binlog offset, or null when it is anything else. */
    private static ObjectNode streaming(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(value);
            if (n instanceof ObjectNode o && o.path("file").isTextual() && o.path("pos").isIntegralNumber()
                    && !o.has("snapshot")) {
                return o;
            }
        } catch (IOException e) {
            // not JSON: not ours to change
        }
        return null;
    }

    private static byte[] write(ObjectNode o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException("an offset read as JSON could not be written back", e);
        }
    }
}
