package org.ehrflow.mllp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MllpFrameDecoderTest {

    private static byte[] framed(String s) {
        return MllpFraming.frame(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static List<String> frames(List<MllpFrameDecoder.Event> events) {
        List<String> out = new ArrayList<>();
        for (MllpFrameDecoder.Event e : events) {
            out.add(e instanceof MllpFrameDecoder.Frame f ? new String(f.payload(), StandardCharsets.US_ASCII)
                    : "OVERSIZED");
        }
        return out;
    }

    @Test
    void oneFrameInOneRead() {
        MllpFrameDecoder d = new MllpFrameDecoder(1024);
        byte[] b = framed("MSH|a");
        assertThat(frames(d.feed(b, 0, b.length))).containsExactly("MSH|a");
        assertThat(d.hasPartialFrame()).isFalse();
        assertThat(d.discardedBytes()).isZero();
    }

    @Test
    void severalFramesInOneRead() {
        MllpFrameDecoder d = new MllpFrameDecoder(1024);
        byte[] b = concat(framed("one"), framed("two"), framed("three"));
        assertThat(frames(d.feed(b, 0, b.length))).containsExactly("one", "two", "three");
    }

    @Test
    void frameSplitAcrossReadsByteByByte() {
        MllpFrameDecoder d = new MllpFrameDecoder(1024);
        byte[] b = concat(framed("MSH|split"), framed("next"));
        List<String> got = new ArrayList<>();
        for (int i = 0; i < b.length; i++) {
            got.addAll(frames(d.feed(b, i, 1)));
            // Between the end block and the CR the frame is already complete.
        }
        assertThat(got).containsExactly("MSH|split", "next");
        assertThat(d.discardedBytes()).isZero();
    }

    @Test
    void splitBetweenEndBlockAndCarriageReturn() {
        MllpFrameDecoder d = new MllpFrameDecoder(1024);
        byte[] b = framed("abc");
        assertThat(frames(d.feed(b, 0, b.length - 1))).containsExactly("abc");
        assertThat(frames(d.feed(b, b.length - 1, 1))).isEmpty();
        assertThat(d.discardedBytes()).isZero();
    }

    @Test
    void junkBeforeStartBlockIsDiscardedAndCounted() {
        MllpFrameDecoder d = new MllpFrameDecoder(1024);
        byte[] b = concat("GET / HTTP/1.0\r\n".getBytes(StandardCharsets.US_ASCII), framed("MSH|ok"));
        assertThat(frames(d.feed(b, 0, b.length))).containsExactly("MSH|ok");
        assertThat(d.discardedBytes()).isEqualTo(16);
    }

    @Test
    void endBlockWithoutCarriageReturnStillEndsTheFrame() {
        MllpFrameDecoder d = new MllpFrameDecoder(1024);
        byte[] b = {MllpFraming.START, 'a', MllpFraming.END, MllpFraming.START, 'b', MllpFraming.END};
        assertThat(frames(d.feed(b, 0, b.length))).containsExactly("a", "b");
    }

    @Test
    void startBlockInsideFrameAbandonsThePartialFrame() {
        MllpFrameDecoder d = new MllpFrameDecoder(1024);
        byte[] b = concat(new byte[] {MllpFraming.START, 'x', 'y'}, framed("z"));
        assertThat(frames(d.feed(b, 0, b.length))).containsExactly("z");
        assertThat(d.abandonedFrames()).isEqualTo(1);
    }

    @Test
    void oversizedFrameIsReportedWithItsHeadAndSkipped() {
        MllpFrameDecoder d = new MllpFrameDecoder(100);
        byte[] big = framed("MSH|" + "x".repeat(200));
        // Fed in pieces: the decoder must never hold more than the limit.
        List<MllpFrameDecoder.Event> events = new ArrayList<>();
        for (int i = 0; i < big.length; i += 30) {
            events.addAll(d.feed(big, i, Math.min(30, big.length - i)));
        }
        assertThat(events).hasSize(1);
        MllpFrameDecoder.Oversized o = (MllpFrameDecoder.Oversized) events.get(0);
        assertThat(o.head()).hasSize(100);
        assertThat(new String(o.head(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("MSH|");
        // After the oversized frame's end block the decoder is back in step.
        byte[] next = framed("after");
        assertThat(frames(d.feed(next, 0, next.length))).containsExactly("after");
    }

    @Test
    void frameOfExactlyTheLimitIsAccepted() {
        MllpFrameDecoder d = new MllpFrameDecoder(100);
        byte[] b = framed("y".repeat(100));
        assertThat(frames(d.feed(b, 0, b.length))).containsExactly("y".repeat(100));
    }

    @Test
    void partialFrameIsVisibleForAbandonAccounting() {
        MllpFrameDecoder d = new MllpFrameDecoder(1024);
        byte[] b = {MllpFraming.START, 'M', 'S'};
        assertThat(d.feed(b, 0, b.length)).isEmpty();
        assertThat(d.hasPartialFrame()).isTrue();
    }
}
