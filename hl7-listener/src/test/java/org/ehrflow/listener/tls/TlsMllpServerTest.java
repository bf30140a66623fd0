package org.ehrflow.listener.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.ehrflow.mllp.MllpClient;
import org.ehrflow.listener.mllp.FrameHandler;
import org.ehrflow.listener.mllp.MllpServer;
import org.ehrflow.listener.mllp.TlsMllpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** MLLP over TLS with self-signed certificates made at test time, against an echoing handler. */
@Timeout(60)
class TlsMllpServerTest {

    @TempDir
    static Path dir;
    private static TestCerts certs;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TlsMllpServer server;

    /** Answers "ACK:" + the frame; an oversized frame gets "TOO LARGE". */
    private static final FrameHandler ECHO = new FrameHandler() {
        @Override
        public CompletionStage<byte[]> onFrame(byte[] payload) {
            return CompletableFuture.completedFuture(("ACK:" + new String(payload, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public CompletionStage<byte[]> onOversized(byte[] head) {
            return CompletableFuture.completedFuture("TOO LARGE".getBytes(StandardCharsets.UTF_8));
        }
    };

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCerts.generate(dir);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private TlsMllpServer start(TlsSettings tls) {
        server = TlsMllpServer.start(new MllpServer.Settings("127.0.0.1", 0, 4096, Duration.ofSeconds(30), 4,
                Duration.ofSeconds(2)), tls, ECHO, registry);
        return server;
    }

    private MllpClient connect(String identity) throws Exception {
        return MllpClient.connectTls("127.0.0.1", server.port(), Duration.ofSeconds(10), certs.client(identity));
    }

    @Test
    void trustedClientCertificateGetsAnswersInOrder() throws Exception {
        start(certs.mutualTls());
        try (MllpClient c = connect("client")) {
            // Two frames in one write: both answered, in order.
            c.writeRaw(new byte[] {0x0B, 'a', 0x1C, 0x0D, 0x0B, 'b', 0x1C, 0x0D});
            assertThat(new String(c.readReply(), StandardCharsets.UTF_8)).isEqualTo("ACK:a");
            assertThat(new String(c.readReply(), StandardCharsets.UTF_8)).isEqualTo("ACK:b");
            assertThat(server.openConnections()).isEqualTo(1);
        }
    }

    @Test
    void untrustedOrMissingClientCertificateIsRefused() throws Exception {
        start(certs.mutualTls());
        for (String identity : new String[] {"server", null}) {
            assertThatThrownBy(() -> {
                try (MllpClient c = connect(identity)) {
                    // TLS 1.3 reports the rejected certificate on the first read, not in the handshake.
                    c.sendBytes("x".getBytes(StandardCharsets.UTF_8));
                }
            }).isInstanceOf(IOException.class);
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
                registry.get("ehrflow.listener.tls.handshakes.failed").counter().count() == 2);
    }

    @Test
    void serverOnlyTlsAcceptsAnonymousClientsAndClosesAfterAnOversizedFrame() throws Exception {
        start(TlsSettings.serverOnly(certs.serverKeystore(), "PKCS12", TestCerts.PASSWORD));
        try (MllpClient c = connect(null)) {
            assertThat(new String(c.sendBytes("hi".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
                    .isEqualTo("ACK:hi");
            assertThat(new String(c.sendBytes(new byte[5000]), StandardCharsets.UTF_8)).isEqualTo("TOO LARGE");
            assertThatThrownBy(c::readReply).isInstanceOf(IOException.class);
        }
    }

    @Test
    void plainTcpClientGetsNoAnswer() throws Exception {
        start(TlsSettings.serverOnly(certs.serverKeystore(), "PKCS12", TestCerts.PASSWORD));
        try (MllpClient c = MllpClient.connect("127.0.0.1", server.port(), Duration.ofSeconds(10))) {
            assertThatThrownBy(() -> c.sendBytes("MSH|plain".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(IOException.class);
        }
    }
}
