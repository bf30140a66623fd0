package org.ehrflow.listener.mllp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.ehrflow.mllp.MllpClient;
import org.ehrflow.mllp.MllpFrameDecoder;
import org.ehrflow.mllp.MllpFraming;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MllpServerTest {

    /** Replies "ACK:" + payload, after a short delay so per-connection serialisation is observable. */
    private static final class EchoHandler implements FrameHandler {
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final List<String> oversized = new ArrayList<>();

        @Override
        public CompletionStage<byte[]> onFrame(byte[] payload) {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            return CompletableFuture.supplyAsync(() -> {
                sleep(5);
                inFlight.decrementAndGet();
                return ("ACK:" + new String(payload, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
            });
        }

        @Override
        public CompletionStage<byte[]> onOversized(byte[] head) {
            synchronized (oversized) {
                oversized.add(new String(head, 0, 4, StandardCharsets.US_ASCII));
            }
            return CompletableFuture.completedFuture("TOO-LARGE".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private final EchoHandler handler = new EchoHandler();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private MllpServer server;

    private MllpServer start(int maxFrame, Duration readTimeout, int maxConnections) {
        server = MllpServer.start(new MllpServer.Settings("127.0.0.1", 0, maxFrame, readTimeout, maxConnections,
                Duration.ofSeconds(2)), handler, registry);
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private MllpClient client() throws IOException {
        return MllpClient.connect("127.0.0.1", server.port(), Duration.ofSeconds(5));
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads until EOF or timeout; true if the server closed the connection. */
    private static boolean closedByServer(Socket s, Duration within) throws IOException {
        s.setSoTimeout((int) within.toMillis());
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // drain replies
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
        }
    }

    @Test
    void answersAFrameSentInPieces() throws Exception {
        start(1024, Duration.ofSeconds(10), 10);
        try (MllpClient c = client()) {
            byte[] f = MllpFraming.frame("MSH|pieces".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < f.length; i += 3) {
                c.writeRaw(Arrays.copyOfRange(f, i, Math.min(f.length, i + 3)));
                sleep(2);
            }
            assertThat(str(c.readReply())).isEqualTo("ACK:MSH|pieces");
        }
    }

    @Test
    void answersPipelinedFramesInOrderOneAtATime() throws Exception {
        start(1024, Duration.ofSeconds(10), 10);
        try (MllpClient c = client()) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes("junk".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 20; i++) {
                all.writeBytes(MllpFraming.frame(("m" + i).getBytes(StandardCharsets.US_ASCII)));
            }
            c.writeRaw(all.toByteArray());
            for (int i = 0; i < 20; i++) {
                assertThat(str(c.readReply())).isEqualTo("ACK:m" + i);
            }
        }
        assertThat(handler.maxInFlight.get()).isEqualTo(1);
        assertThat(registry.get("ehrflow.listener.bytes.discarded").counter().count()).isEqualTo(4.0);
    }

    @Test
    void oversizedFrameGetsItsReplyThenTheConnectionCloses() throws Exception {
        start(1024, Duration.ofSeconds(10), 10);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            byte[] big = MllpFraming.frame(("MSH|" + "x".repeat(5000)).getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(big);
            MllpFrameDecoder d = new MllpFrameDecoder(1024);
            byte[] buf = new byte[256];
            int n = s.getInputStream().read(buf);
            assertThat(d.feed(buf, 0, n)).singleElement()
                    .satisfies(e -> assertThat(str(((MllpFrameDecoder.Frame) e).payload())).isEqualTo("TOO-LARGE"));
            assertThat(closedByServer(s, Duration.ofSeconds(5))).isTrue();
        }
        assertThat(handler.oversized).containsExactly("MSH|");
    }

    @Test
    void idleConnectionIsClosedAfterTheReadTimeout() throws Exception {
        start(1024, Duration.ofMillis(300), 10);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            assertThat(closedByServer(s, Duration.ofSeconds(5))).isTrue();
        }
        assertThat(registry.get("ehrflow.listener.connections.idle.closed").counter().count()).isEqualTo(1.0);
    }

    @Test
    void clientVanishingMidFrameIsCleanedUpAndOthersAreServed() throws Exception {
        start(1024, Duration.ofSeconds(10), 10);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(new byte[] {MllpFraming.START, 'M', 'S', 'H'});
            s.getOutputStream().flush();
            await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 1);
        }
        await("partial frame abandoned").atMost(Duration.ofSeconds(5))
                .until(() -> server.openConnections() == 0
                        && registry.get("ehrflow.listener.frames.abandoned").counter().count() == 1.0);
        try (MllpClient c = client()) {
            assertThat(str(c.sendBytes("MSH|next".getBytes(StandardCharsets.US_ASCII)))).isEqualTo("ACK:MSH|next");
        }
    }

    @Test
    void halfClosedClientStillGetsItsReply() throws Exception {
        start(1024, Duration.ofSeconds(10), 10);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(MllpFraming.frame("MSH|bye".getBytes(StandardCharsets.US_ASCII)));
            s.shutdownOutput();
            byte[] all = s.getInputStream().readAllBytes();        // the reply, then EOF from the server
            assertThat(str(all)).contains("ACK:MSH|bye");
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAtOnce() throws Exception {
        start(1024, Duration.ofSeconds(10), 2);
        try (MllpClient a = client(); MllpClient b = client(); Socket third = new Socket("127.0.0.1", server.port())) {
            assertThat(closedByServer(third, Duration.ofSeconds(5))).isTrue();
            assertThat(str(a.sendBytes("x".getBytes(StandardCharsets.US_ASCII)))).isEqualTo("ACK:x");
            assertThat(str(b.sendBytes("y".getBytes(StandardCharsets.US_ASCII)))).isEqualTo("ACK:y");
        }
        assertThat(registry.get("ehrflow.listener.connections.rejected").counter().count()).isEqualTo(1.0);
    }

    @Test
    void manyIdleConnectionsNeedNoThreads() throws Exception {
        start(1024, Duration.ofSeconds(30), 500);
        int threadsBefore = Thread.activeCount();
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 150; i++) {
                sockets.add(new Socket("127.0.0.1", server.port()));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 150);
            assertThat(Thread.activeCount() - threadsBefore).isLessThan(10);
            try (MllpClient c = client()) {
                assertThat(str(c.sendBytes("z".getBytes(StandardCharsets.US_ASCII)))).isEqualTo("ACK:z");
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 0);
    }

    @Test
    void closeAnswersTheFrameInFlightBeforeClosing() throws Exception {
        CompletableFuture<byte[]> slow = new CompletableFuture<>();
        server = MllpServer.start(new MllpServer.Settings("127.0.0.1", 0, 1024, Duration.ofSeconds(10), 10,
                Duration.ofSeconds(3)), new FrameHandler() {
                    @Override
                    public CompletionStage<byte[]> onFrame(byte[] payload) {
                        return slow;
                    }

                    @Override
                    public CompletionStage<byte[]> onOversized(byte[] head) {
                        return slow;
                    }
                }, registry);
        try (MllpClient c = client()) {
            c.writeRaw(MllpFraming.frame("MSH|slow".getBytes(StandardCharsets.US_ASCII)));
            sleep(100);
            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
            sleep(200);
            slow.complete("LATE".getBytes(StandardCharsets.US_ASCII));
            assertThat(str(c.readReply())).isEqualTo("LATE");
            closing.get();
        }
    }
}
