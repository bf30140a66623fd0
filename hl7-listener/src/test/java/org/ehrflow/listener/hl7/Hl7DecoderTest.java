package org.ehrflow.listener.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.ehrflow.listener.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Hl7DecoderTest {

    private static Hl7Decoder.Decoded decoded(byte[] b) {
        Hl7Decoder.Result r = Hl7Decoder.decode(b, StandardCharsets.UTF_8);
        assertThat(r).isInstanceOf(Hl7Decoder.Decoded.class);
        return (Hl7Decoder.Decoded) r;
    }

    private static RejectReason failure(byte[] b) {
        Hl7Decoder.Result r = Hl7Decoder.decode(b, StandardCharsets.UTF_8);
        assertThat(r).isInstanceOf(Hl7Decoder.Failed.class);
        return ((Hl7Decoder.Failed) r).reason();
    }

    @Test
    void utf8ByteOrderMarkIsStripped() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        b.writeBytes(Fixtures.ADT_A01.getBytes(StandardCharsets.UTF_8));
        Hl7Decoder.Decoded d = decoded(b.toByteArray());
        assertThat(d.text()).startsWith("MSH|^~\\&|SENDAPP").isEqualTo(Fixtures.ADT_A01);
        assertThat(d.charset()).isEqualTo(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r\n", "\r"})
    void segmentTerminatorsAreNormalisedToCarriageReturn(String terminator) {
        String msg = Fixtures.ADT_A01.replace("\r", terminator);
        assertThat(decoded(msg.getBytes(StandardCharsets.UTF_8)).text()).isEqualTo(Fixtures.ADT_A01);
    }

    @Test
    void leadingBlankLinesAndTrailingEmptySegmentsAreDropped() {
        String msg = "\r\n" + Fixtures.ADT_A01 + "\n\n";
        assertThat(decoded(msg.getBytes(StandardCharsets.UTF_8)).text()).isEqualTo(Fixtures.ADT_A01);
    }

    @Test
    void iso88591DeclaredInMsh18IsDecodedWithThatCharset() {
        // MSH-18 = 8859/1; PID-5 holds "Müller" with ü as the single byte 0xFC.
        String msg = "MSH|^~\\&|A|B|C|D|20240101||ADT^A08|L1|P|2.3||||||8859/1\rPID|1||9^^^HOSP^MR||M\u00fcller\r";
        Hl7Decoder.Decoded d = decoded(msg.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(d.charset()).isEqualTo(StandardCharsets.ISO_8859_1);
        assertThat(d.text()).contains("M\u00fcller");
    }

    @Test
    void latin1BytesWithoutMsh18FailStrictUtf8Decoding() {
        String msg = "MSH|^~\\&|A|B|C|D|20240101||ADT^A08|L1|P|2.3\rPID|1||9||M\u00fcller\r";
        assertThat(failure(msg.getBytes(StandardCharsets.ISO_8859_1))).isEqualTo(RejectReason.CHARSET_DECODE_FAILED);
    }

    @Test
    void unicodeUtf8AndLegacyUnicodeDecodeAsUtf8() {
        for (String name : new String[] {"UNICODE UTF-8", "UNICODE"}) {
            String msg = "MSH|^~\\&|A|B|C|D|20240101||ADT^A08|L1|P|2.3||||||" + name + "\rPID|1||9||J\u00f6rg\r";
            assertThat(decoded(msg.getBytes(StandardCharsets.UTF_8)).text()).contains("J\u00f6rg");
        }
    }

    @Test
    void unsupportedCharsetIsRejected() {
        String msg = "MSH|^~\\&|A|B|C|D|20240101||ADT^A08|L1|P|2.3||||||UNICODE UTF-16\r";
        assertThat(failure(msg.getBytes(StandardCharsets.US_ASCII))).isEqualTo(RejectReason.CHARSET_UNSUPPORTED);
    }

    @Test
    void escapeSequencesArePreservedAsSent() {
        String msg = "MSH|^~\\&|A|B|C|D|20240101||MDM^T02|L1|P|2.5\rOBX|1|TX|||a\\T\\b\\F\\c\\.br\\d\r";
        assertThat(decoded(msg.getBytes(StandardCharsets.US_ASCII)).text()).contains("a\\T\\b\\F\\c\\.br\\d");
    }

    @Test
    void textThatIsNotHl7HasNoMsh() {
        assertThat(failure("hello world".getBytes(StandardCharsets.US_ASCII))).isEqualTo(RejectReason.MSH_MISSING);
        assertThat(failure(new byte[0])).isEqualTo(RejectReason.MSH_MISSING);
    }

    @Test
    void mshWithoutUsableEncodingCharactersIsUnparseable() {
        assertThat(failure("MSH|\rPID|1\r".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(RejectReason.MSH_UNPARSEABLE);
        assertThat(failure("MSHA^~\\&\r".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(RejectReason.MSH_UNPARSEABLE);
    }
}
