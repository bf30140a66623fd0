package org.ehrflow.listener.mllp;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import org.ehrflow.listener.tls.TlsSettings;
import org.ehrflow.mllp.MllpFrameDecoder;
import org.ehrflow.mllp.MllpFraming;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MLLP over TLS with blocking sockets: an acceptor thread and one thread per connection, at most
 * {@code maxConnections} (further connections are closed at accept). Chosen over an SSLEngine in the selector loop
 * for simplicity; TLS feeds are few, long-lived interface-engine connections. Framing, ordering (one message in
 * flight per connection), limits and meters are those of {@link MllpServer}.
 */
public final class TlsMllpServer implements MllpEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(TlsMllpServer.class);

    private final MllpServer.Settings settings;
    private final FrameHandler handler;
    private final SSLServerSocket server;
    private final ExecutorService connectionThreads;
    private final Thread acceptor;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger busy = new AtomicInteger();
    private final Counter rejected;
    private final Counter idleClosed;
    private final Counter abandoned;
    private final Counter discarded;
    private final Counter handshakeFailed;
    private volatile boolean running = true;

    private TlsMllpServer(MllpServer.Settings settings, TlsSettings tls, FrameHandler handler, MeterRegistry registry)
            throws IOException {
        this.settings = settings;
        this.handler = handler;
        this.server = (SSLServerSocket) tls.sslContext().getServerSocketFactory().createServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(settings.host(), settings.port()), 128);
        server.setEnabledProtocols(tls.protocols().toArray(String[]::new));
        // The two setters override each other: "want" first, then "need".
        server.setWantClientAuth(tls.clientAuth() == TlsSettings.ClientAuth.WANT);
        server.setNeedClientAuth(tls.clientAuth() == TlsSettings.ClientAuth.REQUIRED);
        AtomicInteger n = new AtomicInteger();
        this.connectionThreads = new ThreadPoolExecutor(0, settings.maxConnections(), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "mllp-tls-conn-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        Gauge.builder("ehrflow.listener.connections.open", open, AtomicInteger::get).register(registry);
        rejected = Counter.builder("ehrflow.listener.connections.rejected").register(registry);
        idleClosed = Counter.builder("ehrflow.listener.connections.idle.closed").register(registry);
        abandoned = Counter.builder("ehrflow.listener.frames.abandoned").register(registry);
        discarded = Counter.builder("ehrflow.listener.bytes.discarded").register(registry);
        handshakeFailed = Counter.builder("ehrflow.listener.tls.handshakes.failed")
                .description("TLS handshakes that failed (untrusted or missing client certificate, protocol)")
                .register(registry);
        this.acceptor = new Thread(this::acceptLoop, "mllp-tls-accept-" + port());
        acceptor.setDaemon(true);
    }

    /** Binds and starts serving TLS. */
    public static TlsMllpServer start(MllpServer.Settings settings, TlsSettings tls, FrameHandler handler,
            MeterRegistry registry) {
        try {
            TlsMllpServer s = new TlsMllpServer(settings, tls, handler, registry);
            s.acceptor.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind MLLP/TLS server on " + settings.host() + ":"
                    + settings.port(), e);
        }
    }

    @Override
    public int port() {
        return server.getLocalPort();
    }

    @Override
    public boolean isRunning() {
        return running && acceptor.isAlive();
    }

    @Override
    public int openConnections() {
        return open.get();
    }

    private void acceptLoop() {
        while (running) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (running) {
                    LOG.warn("MLLP/TLS accept failed: {}", e.getClass().getSimpleName());
                    pause(); // e.g. out of file descriptors: do not spin
                }
                continue;
            }
            if (open.incrementAndGet() > settings.maxConnections()) {
                open.decrementAndGet();
                rejected.increment();
                closeQuietly(s);
                continue;
            }
            sockets.add(s);
            connectionThreads.execute(() -> serve((SSLSocket) s));
        }
    }

    private void serve(SSLSocket s) {
        try {
            s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, settings.readTimeout().toMillis()));
            s.setKeepAlive(true);
            s.setTcpNoDelay(true);
            try {
                s.startHandshake();
            } catch (IOException e) {
                handshakeFailed.increment();
                LOG.warn("MLLP/TLS handshake failed: {}", e.getClass().getSimpleName());
                return;
            }
            converse(s, peerName(s));
        } catch (IOException e) {
            LOG.debug("MLLP/TLS connection ended: {}", e.getClass().getSimpleName());
        } finally {
            sockets.remove(s);
            closeQuietly(s);
            open.decrementAndGet();
        }
    }

    /** Reads frames and answers each in turn until the peer closes, idles out, or an oversized frame. */
    /**
     * The CN of the client certificate the handshake verified (against the truststore), or null when the client
     * sent none (client authentication WANT or NONE).
     */
    static String peerName(SSLSocket s) {
        try {
            String dn = s.getSession().getPeerPrincipal().getName();
            for (Rdn rdn : new LdapName(dn).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
            return dn;
        } catch (SSLPeerUnverifiedException | InvalidNameException e) {
            return null;
        }
    }

    private void converse(SSLSocket s, String peer) throws IOException {
        MllpFrameDecoder decoder = new MllpFrameDecoder(settings.maxFrameBytes());
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] buf = new byte[64 * 1024];
        while (running) {
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                idleClosed.increment();
                return;
            }
            if (n < 0) {
                if (decoder.hasPartialFrame()) {
                    abandoned.increment();
                }
                return;
            }
            long d0 = decoder.discardedBytes();
            long a0 = decoder.abandonedFrames();
            List<MllpFrameDecoder.Event> events = decoder.feed(buf, 0, n);
            discarded.increment(decoder.discardedBytes() - d0);
            abandoned.increment(decoder.abandonedFrames() - a0);
            for (MllpFrameDecoder.Event e : events) {
                boolean oversized = e instanceof MllpFrameDecoder.Oversized;
                // busy covers answer and write, so close() lets an ACK being written reach the sender.
                busy.incrementAndGet();
                try {
                    byte[] reply = answer(e instanceof MllpFrameDecoder.Frame f ? handler.onFrame(f.payload(), peer)
                            : handler.onOversized(((MllpFrameDecoder.Oversized) e).head()));
                    if (reply == null) {
                        return; // no answer: close, so the sender resends
                    }
                    out.write(MllpFraming.frame(reply));
                    out.flush();
                } finally {
                    busy.decrementAndGet();
                }
                if (oversized) {
                    return;
                }
            }
        }
    }

    private byte[] answer(CompletionStage<byte[]> reply) {
        try {
            return reply.toCompletableFuture().get(settings.drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            LOG.warn("no reply for a frame: {}", e.getClass().getSimpleName());
            return null;
        }
    }

    /** Stops accepting, waits up to the drain timeout for frames being answered, then closes every connection. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        closeQuietly(server);
        long until = System.nanoTime() + settings.drainTimeout().toNanos();
        while (busy.get() > 0 && System.nanoTime() < until) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        sockets.forEach(TlsMllpServer::closeQuietly);
        connectionThreads.shutdownNow();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
