package org.ehrflow.listener.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.ehrflow.runtime.Secret;

/**
 * Self-signed test certificates made at test time with the JDK's keytool: a server (CN=localhost, SAN
 * 127.0.0.1) and a trusted client, with the truststores that pair them. The identity "server" used by a client is
 * an untrusted client certificate (the server's truststore holds only the client's).
 */
public final class TestCerts {

    public static final Secret PASSWORD = new Secret("test-only-" + Long.toHexString(System.nanoTime()));

    private final Path dir;

    private TestCerts(Path dir) {
        this.dir = dir;
    }

    /** Generates every store under {@code dir}. */
    public static TestCerts generate(Path dir) throws Exception {
        TestCerts c = new TestCerts(dir);
        // keytool only for the key pairs (two JVM launches, in parallel); truststores are written in-process.
        List<Process> running = List.of(
                c.keypair("server", "CN=localhost", "SAN=ip:127.0.0.1,dns:localhost"),
                c.keypair("client", "CN=sender.example", null));
        for (Process p : running) {
            awaitSuccess(p);
        }
        c.trust("server", "client-trust.p12");
        c.trust("client", "server-trust.p12");
        return c;
    }

    public Path serverKeystore() {
        return dir.resolve("server.p12");
    }

    public Path serverTruststore() {
        return dir.resolve("server-trust.p12");
    }

    /** TLS settings of a listener that requires the trusted client's certificate. */
    public TlsSettings mutualTls() {
        return TlsSettings.serverOnly(serverKeystore(), "PKCS12", PASSWORD).withClientAuth(
                TlsSettings.ClientAuth.REQUIRED, serverTruststore(), "PKCS12", PASSWORD);
    }

    /** A client context trusting the server; {@code identity} ("client", "server" = untrusted, or null). */
    public SSLContext client(String identity) throws Exception {
        KeyManagerFactory kmf = null;
        if (identity != null) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(dir.resolve(identity + ".p12")), PASSWORD.value().toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(dir.resolve("client-trust.p12")));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static KeyStore load(Path p) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p)) {
            ks.load(in, PASSWORD.value().toCharArray());
        }
        return ks;
    }

    private Process keypair(String alias, String dname, String ext) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", dname, "-validity", "2", "-storetype", "PKCS12", "-keystore",
                dir.resolve(alias + ".p12").toString(), "-storepass", PASSWORD.value(), "-keypass",
                PASSWORD.value()));
        if (ext != null) {
            cmd.addAll(List.of("-ext", ext));
        }
        cmd.add(0, Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** A truststore holding {@code alias}'s certificate, copied from its keystore. */
    private void trust(String alias, String store) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry(alias, load(dir.resolve(alias + ".p12")).getCertificate(alias));
        try (OutputStream out = Files.newOutputStream(dir.resolve(store))) {
            trust.store(out, PASSWORD.value().toCharArray());
        }
    }

    private static void awaitSuccess(Process p) throws IOException, InterruptedException {
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + new String(out, StandardCharsets.UTF_8));
        }
    }
}
