package org.ehrflow.cdc.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BinlogRestartOffsetsTest {

    private static String repair(String json, String previous) {
        return new String(BinlogRestartOffsets.repair(bytes(json), previous == null ? null : bytes(previous)),
                StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void streamingBinlogOffsetsLoseTheirSkipCountersAndKeepAnEarlierPositionAsHint() {
        assertThat(repair("{\"ts_sec\":1796538885,\"file\":\"binlog.000001\",\"pos\":42278,\"row\":1,\"server_id\":1}",
                null)).isEqualTo("{\"ts_sec\":1796538885,\"file\":\"binlog.000001\",\"pos\":42278,\"server_id\":1}");
        String first = repair("{\"file\":\"binlog.000001\",\"pos\":42309,\"server_id\":1,\"event\":1}", null);
        assertThat(first).isEqualTo("{\"file\":\"binlog.000001\",\"pos\":42309,\"server_id\":1}");
        String second = repair("{\"file\":\"binlog.000001\",\"pos\":50000,\"row\":7}", first);
        assertThat(second).isEqualTo("{\"file\":\"binlog.000001\",\"pos\":50000,\"ehrflow_scan_from\":42309}");
        // the same position again keeps the hint; a new file starts without one
        assertThat(repair("{\"file\":\"binlog.000001\",\"pos\":50000,\"row\":9}", second))
                .isEqualTo("{\"file\":\"binlog.000001\",\"pos\":50000,\"ehrflow_scan_from\":42309}");
        assertThat(repair("{\"file\":\"binlog.000002\",\"pos\":400}", second))
                .isEqualTo("{\"file\":\"binlog.000002\",\"pos\":400}");
    }

    @Test
    void rewindAsksWhereToResumeAndDropsTheHint() {
        List<String> asked = new ArrayList<>();
        byte[] out = BinlogRestartOffsets.rewind(bytes(
                "{\"file\":\"binlog.000001\",\"pos\":50000,\"row\":3,\"ehrflow_scan_from\":42309,\"server_id\":1}"),
                (file, pos, hint) -> {
                    asked.add(file + "/" + pos + "/" + hint);
                    return 41000;
                });
        assertThat(asked).containsExactly("binlog.000001/50000/42309");
        assertThat(new String(out, StandardCharsets.UTF_8))
                .isEqualTo("{\"file\":\"binlog.000001\",\"pos\":41000,\"server_id\":1}");
    }

    @Test
    void otherOffsetsAreKeptByteForByte() {
        String pg = "{\"lsn\":27013368,\"txId\":741,\"ts_usec\":1796538887300984}";
        String snapshot = "{\"file\":\"binlog.000001\",\"pos\":5057,\"row\":1,\"snapshot\":\"INITIAL\"}";
        BinlogRestartOffsets.Resolver never = (file, pos, hint) -> {
            throw new AssertionError("asked for " + file);
        };
        for (String s : List.of(pg, snapshot, "not json")) {
            assertThat(repair(s, null)).isEqualTo(s);
            assertThat(new String(BinlogRestartOffsets.rewind(bytes(s), never), StandardCharsets.UTF_8)).isEqualTo(s);
        }
        assertThat(BinlogRestartOffsets.repair(null, null)).isNull();
    }
}
