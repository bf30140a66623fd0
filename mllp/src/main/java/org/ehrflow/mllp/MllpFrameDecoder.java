package org.ehrflow.mllp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns one connection's byte stream into MLLP frames, whatever the TCP segmentation: several frames in one read,
 * one frame over many reads, junk before a start block (discarded and counted). Memory is bounded: a frame
 * longer than {@code maxFrameBytes} is reported as {@link Oversized} with only its first bytes kept, and the
 * rest of it is skipped. One instance per connection; not thread-safe.
 */
public final class MllpFrameDecoder {

    /** What a read produced. */
    public sealed interface Event permits Frame, Oversized {
        /** Bytes this event holds in memory, for back-pressure accounting. */
        int size();
    }

    /** A complete message, without the envelope. */
    public record Frame(byte[] payload) implements Event {
        @Override
        public int size() {
            return payload.length;
        }
    }

    /** A frame that exceeded the limit; {@code head} holds its first bytes (enough to read MSH for the ACK). */
    public record Oversized(byte[] head) implements Event {
        @Override
        public int size() {
            return head.length;
        }
    }

    /** Bytes of an oversized frame kept for the ACK header and the dead letter. */
    public static final int OVERSIZE_HEAD_BYTES = 64 * 1024;

    private enum State { OUTSIDE, IN_FRAME, AFTER_END, SKIPPING }

    private final int maxFrameBytes;
    private byte[] buf = new byte[1024];
    private int len;
    private State state = State.OUTSIDE;
    private long discardedBytes;
    private long abandonedFrames;

    public MllpFrameDecoder(int maxFrameBytes) {
        if (maxFrameBytes < 16) {
            throw new IllegalArgumentException("maxFrameBytes must be at least 16");
        }
        this.maxFrameBytes = maxFrameBytes;
    }

    /** Feeds {@code n} bytes read from the socket; returns the events they completed, in order. */
    public List<Event> feed(byte[] data, int off, int n) {
        List<Event> events = new ArrayList<>(2);
        int end = off + n;
        for (int i = off; i < end; i++) {
            byte b = data[i];
            switch (state) {
                case AFTER_END, OUTSIDE -> {
                    if (b == MllpFraming.START) {
                        state = State.IN_FRAME;
                        len = 0;
                    } else {
                        if (!(state == State.AFTER_END && b == MllpFraming.CR)) {
                            discardedBytes++;
                        }
                        state = State.OUTSIDE;
                    }
                }
                case IN_FRAME -> i = scanFrame(data, i, end, events);
                case SKIPPING -> {
                    if (b == MllpFraming.END) {
                        state = State.AFTER_END;
                    } else if (b == MllpFraming.START) {
                        state = State.IN_FRAME;
                        len = 0;
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        return events;
    }

    /** Copies frame bytes from {@code i} up to an end or start block; returns the last index consumed. */
    private int scanFrame(byte[] data, int i, int end, List<Event> events) {
        int j = i;
        while (j < end && data[j] != MllpFraming.END && data[j] != MllpFraming.START) {
            j++;
        }
        if (!append(data, i, j - i, events)) {
            state = State.SKIPPING;
            // Let SKIPPING see the byte that stopped the scan (an end block ends the oversized frame).
            return j < end ? j - 1 : end - 1;
        }
        if (j == end) {
            return end - 1;
        }
        if (data[j] == MllpFraming.END) {
            // Lenient on the trailing CR: a sender that omits it still gets its frame; a CR is swallowed if present.
            events.add(new Frame(Arrays.copyOf(buf, len)));
            state = State.AFTER_END;
        } else {
            // A start block inside a frame: the sender abandoned the previous frame and began again.
            abandonedFrames++;
            len = 0;
        }
        releaseLargeBuffer();
        return j;
    }

    private boolean append(byte[] data, int off, int n, List<Event> events) {
        if ((long) len + n > maxFrameBytes) {
            int keep = Math.min(OVERSIZE_HEAD_BYTES, maxFrameBytes);
            byte[] head = new byte[Math.min(keep, len + n)];
            int fromBuf = Math.min(len, head.length);
            System.arraycopy(buf, 0, head, 0, fromBuf);
            System.arraycopy(data, off, head, fromBuf, head.length - fromBuf);
            events.add(new Oversized(head));
            len = 0;
            releaseLargeBuffer();
            return false;
        }
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min(maxFrameBytes, Math.max((long) buf.length * 2, len + n)));
        }
        System.arraycopy(data, off, buf, len, n);
        len += n;
        return true;
    }

    private void releaseLargeBuffer() {
        if (len == 0 && buf.length > 64 * 1024) {
            buf = new byte[1024];
        }
    }

    /** Whether bytes of an unfinished frame are buffered (a peer that closes now abandons them). */
    public boolean hasPartialFrame() {
        return state == State.IN_FRAME || state == State.SKIPPING;
    }

    /** Bytes seen outside any frame so far. */
    public long discardedBytes() {
        return discardedBytes;
    }

    /** Frames abandoned by a new start block before their end block. */
    public long abandonedFrames() {
        return abandonedFrames;
    }
}
