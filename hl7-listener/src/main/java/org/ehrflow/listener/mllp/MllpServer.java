package org.ehrflow.listener.mllp;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Non-blocking MLLP server: one selector thread serves every connection, so idle connections cost a few
 * kilobytes, not a thread. Frames of one connection go to the {@link FrameHandler} one at a time, in order (MLLP
 * is request/response, and per-sender order is per-patient order downstream); replies come back on any thread
 * and are written by the selector thread. Reading pauses while a connection has a frame's worth of unanswered
 * bytes queued, so a fast sender cannot make the server buffer without bound.
 */
public final class MllpServer implements MllpEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(MllpServer.class);

    /**
     * @param host           interface to bind
     * @param port           port to bind (0 = ephemeral)
     * @param maxFrameBytes  largest accepted frame
     * @param readTimeout    a connection with nothing in flight and no traffic for this long is closed
     * @param maxConnections connections beyond this are accepted and closed at once
     * @param drainTimeout   how long {@link #close()} waits for in-flight replies
     */
    public record Settings(String host, int port, int maxFrameBytes, Duration readTimeout, int maxConnections,
            Duration drainTimeout) {
    }

    private final Settings settings;
    private final Selector selector;
    private final ServerSocketChannel server;
    private final Thread thread;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
    private final Set<MllpConnection> connections = new LinkedHashSet<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicLong ids = new AtomicLong();
    private final MllpConnection.Context context;
    private final Counter rejectedConnections;
    private final Counter idleClosed;
    private volatile boolean running = true;
    private volatile boolean draining;
    private long drainDeadline;
    private volatile int openConnections;

    private MllpServer(Settings settings, FrameHandler handler, MeterRegistry registry) throws IOException {
        this.settings = settings;
        this.selector = Selector.open();
        this.server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(new InetSocketAddress(settings.host(), settings.port()), 128);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        Gauge.builder("ehrflow.listener.connections.open", this, s -> s.openConnections).register(registry);
        rejectedConnections = Counter.builder("ehrflow.listener.connections.rejected")
                .description("connections closed at accept because max connections was reached").register(registry);
        idleClosed = Counter.builder("ehrflow.listener.connections.idle.closed").register(registry);
        context = new MllpConnection.Context(settings.maxFrameBytes(), handler, this::submit,
                Counter.builder("ehrflow.listener.frames.abandoned")
                        .description("partial frames dropped: peer closed or restarted mid-frame").register(registry),
                Counter.builder("ehrflow.listener.bytes.discarded")
                        .description("bytes outside any MLLP frame").register(registry),
                c -> {
                    connections.remove(c);
                    openConnections = connections.size();
                });
        this.thread = new Thread(this::loop, "mllp-selector-" + port());
        thread.setDaemon(true);
    }

    /** Binds and starts serving. */
    public static MllpServer start(Settings settings, FrameHandler handler, MeterRegistry registry) {
        try {
            MllpServer s = new MllpServer(settings, handler, registry);
            s.thread.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind MLLP server on " + settings.host() + ":" + settings.port(), e);
        }
    }

    /** The bound port (useful when configured as 0). */
    @Override
    public int port() {
        return server.socket().getLocalPort();
    }

    /** Open client connections. */
    @Override
    public int openConnections() {
        return openConnections;
    }

    /** Whether the selector loop is serving and not shutting down. */
    @Override
    public boolean isRunning() {
        return running && thread.isAlive() && !draining;
    }

    private void loop() {
        long tickMillis = Math.max(10, Math.min(1000, settings.readTimeout().toMillis() / 4));
        try {
            while (running) {
                selector.select(tickMillis);
                runTasks();
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    handleKey(key);
                }
                runTasks();
                sweep();
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("MLLP selector loop failed: {}", e.getClass().getName());
        } finally {
            for (MllpConnection c : new ArrayList<>(connections)) {
                c.close(true);
            }
            closeQuietly(server);
            closeQuietly(selector);
            running = false;
        }
    }

    private void handleKey(SelectionKey key) {
        try {
            if (!key.isValid()) {
                return;
            }
            if (key.isAcceptable()) {
                accept();
                return;
            }
            MllpConnection c = (MllpConnection) key.attachment();
            if (key.isReadable()) {
                c.onReadable(readBuffer);
            }
            if (!c.closed() && key.isValid() && key.isWritable()) {
                c.onWritable();
            }
        } catch (CancelledKeyException e) {
            // closed earlier in this batch
        } catch (RuntimeException e) {
            // A fault in one connection must not take the selector (and every other connection) down.
            LOG.error("MLLP connection fault: {}", e.getClass().getName());
            if (key.attachment() instanceof MllpConnection c) {
                c.close(true);
            }
        }
    }

    private void accept() {
        for (int i = 0; i < 64; i++) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                LOG.warn("accept failed: {}", e.getClass().getSimpleName());
                return;
            }
            if (ch == null) {
                return;
            }
            if (draining || connections.size() >= settings.maxConnections()) {
                rejectedConnections.increment();
                LOG.warn("connection refused: {} connections open (max {})", connections.size(),
                        settings.maxConnections());
                closeQuietly(ch);
                continue;
            }
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                MllpConnection c = new MllpConnection(ids.incrementAndGet(), ch, context, System.nanoTime());
                c.register(ch.register(selector, SelectionKey.OP_READ, c));
                connections.add(c);
                openConnections = connections.size();
                LOG.debug("connection {} opened", c.id);
            } catch (IOException e) {
                closeQuietly(ch);
            }
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        long timeout = settings.readTimeout().toNanos();
        for (MllpConnection c : new ArrayList<>(connections)) {
            // A frame in flight is bounded by the handler's own deadline, so only connections without one time out.
            if (!c.busy() && now - c.lastActivityNanos() > timeout) {
                LOG.debug("connection {} idle for {}, closing", c.id, settings.readTimeout());
                idleClosed.increment();
                c.close(true);
            }
        }
        if (draining && (connections.isEmpty() || now - drainDeadline > 0)) {
            running = false;
        }
    }

    private void submit(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    private void runTasks() {
        Runnable t;
        while ((t = tasks.poll()) != null) {
            try {
                t.run();
            } catch (CancelledKeyException e) {
                // the connection closed meanwhile
            } catch (RuntimeException e) {
                LOG.error("MLLP reply task failed: {}", e.getClass().getName());
            }
        }
    }

    /**
     * Stops accepting and reading, waits up to the drain timeout for replies to frames already with the handler,
     * then closes every connection. Frames queued but not yet handed over are dropped unanswered (nothing
     * unanswered was acknowledged, so the sender resends them).
     */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        submit(() -> {
            draining = true;
            drainDeadline = System.nanoTime() + settings.drainTimeout().toNanos();
            closeQuietly(server);
            for (MllpConnection c : new ArrayList<>(connections)) {
                c.drain();
            }
        });
        try {
            thread.join(settings.drainTimeout().toMillis() + TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running = false;
        selector.wakeup();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing; nothing useful to do
        }
    }
}
