package org.ehrflow.cdc.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BinlogRestartOffsetsTest {

    private static String repair(String json) {
        ByteBuffer out = BinlogRestartOffsets.repair(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)));
        byte[] b = new byte[out.remaining()];
        out.duplicate().get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void streamingBinlogOffsetsLoseTheirSkipCounters() {
        assertThat(repair("{\"ts_sec\":1796538885,\"file\":\"binlog.000001\",\"pos\":42278,\"row\":1,\"server_id\":1}"))
                .isEqualTo("{\"ts_sec\":1796538885,\"file\":\"binlog.000001\",\"pos\":42278,\"server_id\":1}");
        assertThat(repair("{\"file\":\"binlog.000001\",\"pos\":42309,\"server_id\":1,\"event\":1}"))
                .isEqualTo("{\"file\":\"binlog.000001\",\"pos\":42309,\"server_id\":1}");
    }

    @Test
    void otherOffsetsAreKeptByteForByte() {
        String pg = "{\"lsn\":27013368,\"txId\":741,\"ts_usec\":1796538887300984}";
        String snapshot = "{\"file\":\"binlog.000001\",\"pos\":5057,\"row\":1,\"snapshot\":\"INITIAL\"}";
        String plain = "{\"file\":\"binlog.000001\",\"pos\":5057}";
        assertThat(repair(pg)).isEqualTo(pg);
        assertThat(repair(snapshot)).isEqualTo(snapshot);
        assertThat(repair(plain)).isEqualTo(plain);
        assertThat(repair("not json")).isEqualTo("not json");
        assertThat(BinlogRestartOffsets.repair((ByteBuffer) null)).isNull();
    }
}
