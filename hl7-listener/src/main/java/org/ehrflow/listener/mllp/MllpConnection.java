package org.ehrflow.listener.mllp;

import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.ehrflow.mllp.MllpFrameDecoder;
import org.ehrflow.mllp.MllpFraming;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: its decoder, the frames waiting for the handler (one in flight at a time, in order),
 * and the replies waiting to be written. Every method runs on the server's selector thread; handler replies
 * arrive on other threads and are posted back through {@code toSelector}.
 */
final class MllpConnection {

    private static final Logger LOG = LoggerFactory.getLogger(MllpConnection.class);

    /** Meters and callbacks the server shares with its connections. */
    record Context(int maxFrameBytes, FrameHandler handler, Consumer<Runnable> toSelector, Counter abandonedFrames,
            Counter discardedBytes, Consumer<MllpConnection> onClose) {
    }

    final long id;
    private final SocketChannel channel;
    private final Context ctx;
    private final MllpFrameDecoder decoder;
    private final ArrayDeque<MllpFrameDecoder.Event> pending = new ArrayDeque<>();
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    private SelectionKey key;
    private long pendingBytes;
    /** A frame is with the handler and its reply is not back yet. */
    private boolean busy;
    /** No more reads: the peer half-closed, an oversized frame ends the connection, or the server drains. */
    private boolean inputClosed;
    private boolean closeWhenFlushed;
    private boolean closed;
    private long lastActivityNanos;

    MllpConnection(long id, SocketChannel channel, Context ctx, long now) {
        this.id = id;
        this.channel = channel;
        this.ctx = ctx;
        this.decoder = new MllpFrameDecoder(ctx.maxFrameBytes());
        this.lastActivityNanos = now;
    }

    void register(SelectionKey k) {
        this.key = k;
    }

    boolean busy() {
        return busy;
    }

    boolean closed() {
        return closed;
    }

    long lastActivityNanos() {
        return lastActivityNanos;
    }

    void onReadable(ByteBuffer readBuffer) {
        readBuffer.clear();
        int n;
        try {
            n = channel.read(readBuffer);
        } catch (IOException e) {
            LOG.debug("connection {} read failed: {}", id, e.getClass().getSimpleName());
            close(true);
            return;
        }
        if (n < 0) {
            // Half-close: answer what already arrived, then close. A partial frame is abandoned.
            countAbandonedPartial();
            inputClosed = true;
            afterChange();
            return;
        }
        lastActivityNanos = System.nanoTime();
        long discardedBefore = decoder.discardedBytes();
        long abandonedBefore = decoder.abandonedFrames();
        for (MllpFrameDecoder.Event e : decoder.feed(readBuffer.array(), 0, n)) {
            pending.add(e);
            pendingBytes += e.size();
            if (e instanceof MllpFrameDecoder.Oversized) {
                inputClosed = true; // the connection ends after the AR; nothing after this frame is read
                break;
            }
        }
        ctx.discardedBytes().increment(decoder.discardedBytes() - discardedBefore);
        ctx.abandonedFrames().increment(decoder.abandonedFrames() - abandonedBefore);
        dispatch();
        afterChange();
    }

    private void dispatch() {
        if (busy || closed || pending.isEmpty()) {
            return;
        }
        MllpFrameDecoder.Event e = pending.poll();
        pendingBytes -= e.size();
        busy = true;
        boolean last = e instanceof MllpFrameDecoder.Oversized;
        CompletionStage<byte[]> reply;
        try {
            reply = e instanceof MllpFrameDecoder.Frame f ? ctx.handler().onFrame(f.payload())
                    : ctx.handler().onOversized(((MllpFrameDecoder.Oversized) e).head());
        } catch (RuntimeException ex) {
            reply = CompletableFuture.failedFuture(ex);
        }
        reply.whenComplete((ack, err) -> ctx.toSelector().accept(() -> onReply(ack, err, last)));
    }

    private void onReply(byte[] ack, Throwable err, boolean last) {
        busy = false;
        if (closed) {
            return;
        }
        if (err != null || ack == null) {
            // The handler always answers; a failure here is a bug. Closing makes the sender resend.
            LOG.error("connection {}: handler failed ({}), closing", id, err == null ? "no reply"
                    : err.getClass().getName());
            close(false);
            return;
        }
        out.add(ByteBuffer.wrap(MllpFraming.frame(ack)));
        lastActivityNanos = System.nanoTime();
        if (last) {
            pending.clear();
            pendingBytes = 0;
            closeWhenFlushed = true;
        }
        onWritable();
        dispatch();
        afterChange();
    }

    void onWritable() {
        if (closed) {
            return;
        }
        try {
            while (!out.isEmpty()) {
                ByteBuffer b = out.peek();
                channel.write(b);
                if (b.hasRemaining()) {
                    break;
                }
                out.poll();
                lastActivityNanos = System.nanoTime();
            }
        } catch (IOException e) {
            LOG.debug("connection {} write failed: {}", id, e.getClass().getSimpleName());
            close(false);
            return;
        }
        if (out.isEmpty() && closeWhenFlushed) {
            close(false);
            return;
        }
        afterChange();
    }

    /** Server shutdown: drop frames not yet handed over (unanswered, so the sender resends) and stop reading. */
    void drain() {
        pending.clear();
        pendingBytes = 0;
        inputClosed = true;
        afterChange();
    }

    /** Closes once input is done and nothing is in flight or unsent; otherwise updates the selector interest. */
    private void afterChange() {
        if (closed) {
            return;
        }
        if (inputClosed && !busy && pending.isEmpty() && out.isEmpty()) {
            close(false);
            return;
        }
        int ops = 0;
        if (!inputClosed && pendingBytes < ctx.maxFrameBytes()) {
            ops |= SelectionKey.OP_READ;
        }
        if (!out.isEmpty()) {
            ops |= SelectionKey.OP_WRITE;
        }
        if (key.isValid()) {
            key.interestOps(ops);
        }
    }

    private void countAbandonedPartial() {
        if (decoder.hasPartialFrame()) {
            ctx.abandonedFrames().increment();
        }
    }

    /** Closes the socket; {@code abandoning} counts a buffered partial frame as abandoned. */
    void close(boolean abandoning) {
        if (closed) {
            return;
        }
        if (abandoning) {
            countAbandonedPartial();
        }
        closed = true;
        pending.clear();
        out.clear();
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
        ctx.onClose().accept(this);
        LOG.debug("connection {} closed", id);
    }
}
