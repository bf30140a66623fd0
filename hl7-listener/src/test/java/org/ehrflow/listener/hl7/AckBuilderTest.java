package org.ehrflow.listener.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.ehrflow.hl7.MshHeader;
import org.ehrflow.listener.Fixtures;
import org.junit.jupiter.api.Test;

class AckBuilderTest {

    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07.089Z");

    private static String[] segments(String ack) {
        assertThat(ack).endsWith("\r");
        return ack.split("\r");
    }

    @Test
    void aaSwapsSenderAndReceiverAndEchoesVersionAndControlId() {
        MshHeader h = MshHeader.parse(Fixtures.ADT_A01).orElseThrow();
        String[] s = segments(AckBuilder.build(h, AckCode.AA, null, "ACK1", NOW));
        assertThat(s).hasSize(2);
        // MSH-3/4 = original MSH-5/6, MSH-5/6 = original MSH-3/4, MSH-7 now, MSH-9 ACK^A01^ACK, MSH-10 fresh,
        // MSH-11 echoed, MSH-12 same version.
        assertThat(s[0]).isEqualTo("MSH|^~\\&|RECVAPP|RECVFAC|SENDAPP|SENDFAC|20250304050607.089+0000||ACK^A01^ACK"
                + "|ACK1|P|2.5.1");
        assertThat(s[1]).isEqualTo("MSA|AA|MSG0001");                 // MSA-1 code, MSA-2 original MSH-10
    }

    @Test
    void arFromV25OnCarriesErrWithHl7CodeAndReason() {
        MshHeader h = MshHeader.parse(Fixtures.ADT_A01).orElseThrow();
        String[] s = segments(AckBuilder.build(h, AckCode.AR, RejectReason.PROCESSING_ID_UNSUPPORTED, "A2", NOW));
        assertThat(s[1]).isEqualTo("MSA|AR|MSG0001");
        // ERR-2 location MSH^1^11, ERR-3 HL7 table 0357 code 202, ERR-4 severity, ERR-5 listener reason code.
        assertThat(s[2]).isEqualTo("ERR||MSH^1^11|202^Unsupported processing id^HL70357|E"
                + "|PROCESSING_ID_UNSUPPORTED^MSH-11 processing id not accepted^99EHRFLOW");
    }

    @Test
    void beforeV25TheErrorIsInErr1AndMsa3() {
        String msg = "MSH|^~\\&|S|SF|R|RF|20240101||ORU^R01|Q1|X|2.3||||||8859/1\r";
        MshHeader h = MshHeader.parse(msg).orElseThrow();
        String[] s = segments(AckBuilder.build(h, AckCode.AE, RejectReason.BROKER_TIMEOUT, "A3", NOW));
        // v2.3: MSH-9 without message structure; MSH-18 echoed (the ACK is encoded in that charset).
        assertThat(s[0]).isEqualTo("MSH|^~\\&|R|RF|S|SF|20250304050607.089+0000||ACK^R01|A3|X|2.3||||||8859/1");
        assertThat(s[1]).isEqualTo("MSA|AE|Q1|BROKER_TIMEOUT");          // MSA-3 reason code
        assertThat(s[2]).isEqualTo("ERR|^^^207&Application internal error&HL70357");
    }

    @Test
    void unreadableMshGetsADefaultHeader() {
        String[] s = segments(AckBuilder.build(null, AckCode.AR, RejectReason.MSH_MISSING, "A4", NOW));
        assertThat(s[0]).isEqualTo("MSH|^~\\&|||||20250304050607.089+0000||ACK^^ACK|A4|P|2.5.1");
        assertThat(s[1]).isEqualTo("MSA|AR|");
        assertThat(s[2]).startsWith("ERR||MSH^1^1|100^Segment sequence error^HL70357|E|MSH_MISSING^");
    }

    @Test
    void fixedTextIsEscapedForUnusualSeparators() {
        // Field separator '-' appears in the description text: it must be escaped.
        String msg = "MSH-^~\\&-S-SF-R-RF-20240101--ADT^A01-Z1-P-2.5\r";
        MshHeader h = MshHeader.parse(msg).orElseThrow();
        String ack = AckBuilder.build(h, AckCode.AR, RejectReason.PROCESSING_ID_UNSUPPORTED, "A5", NOW);
        assertThat(ack).contains("MSH\\F\\11 processing id");
    }

    @Test
    void versionComparison() {
        assertThat(AckBuilder.atLeast("2.5.1", 2, 5, 0)).isTrue();
        assertThat(AckBuilder.atLeast("2.3.1", 2, 5, 0)).isFalse();
        assertThat(AckBuilder.atLeast("2.3", 2, 3, 1)).isFalse();
        assertThat(AckBuilder.atLeast("2.8", 2, 3, 1)).isTrue();
        assertThat(AckBuilder.atLeast("v2", 2, 5, 0)).isTrue();
    }

    @Test
    void ackIdsAreFreshAndShort() {
        AckIds ids = new AckIds(NOW.toEpochMilli());
        String a = ids.get();
        String b = ids.get();
        assertThat(a).isNotEqualTo(b).hasSizeLessThanOrEqualTo(20);
    }
}
