package org.ehrflow.mllp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A minimal blocking MLLP sender (demo, load driver, tests): one connection, one message at a time, each answer
 * read as a frame within the timeout. Not thread-safe.
 */
public final class MllpClient implements AutoCloseable {

    private static final int MAX_REPLY_BYTES = 1024 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final MllpFrameDecoder decoder = new MllpFrameDecoder(MAX_REPLY_BYTES);
    private final ArrayDeque<byte[]> replies = new ArrayDeque<>();
    private final byte[] buf = new byte[8192];

    private MllpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects; {@code timeout} bounds the connect and every later reply wait. */
    public static MllpClient connect(String host, int port, Duration timeout) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            s.setTcpNoDelay(true);
            return new MllpClient(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Connects over TLS with {@code tls} (its trust managers check the server; its key managers, if any, present
     * the client certificate); the server name is verified against {@code host}.
     */
    public static MllpClient connectTls(String host, int port, Duration timeout, SSLContext tls)
            throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            SSLSocket s = (SSLSocket) tls.getSocketFactory()
                    .createSocket(plain, host, port, true);
            SSLParameters params = s.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(params);
            s.setSoTimeout((int) timeout.toMillis());
            s.setTcpNoDelay(true);
            s.startHandshake();
            return new MllpClient(s);
        } catch (IOException e) {
            plain.close();
            throw e;
        }
    }

    /** Sends {@code message} (encoded with {@code charset}) and returns the ACK decoded with the same charset. */
    public String send(String message, Charset charset) throws IOException {
        return new String(sendBytes(message.getBytes(charset)), charset);
    }

    /** Sends UTF-8 text and returns the UTF-8 ACK. */
    public String send(String message) throws IOException {
        return send(message, StandardCharsets.UTF_8);
    }

    /** Sends {@code payload} framed and returns the next reply's payload. */
    public byte[] sendBytes(byte[] payload) throws IOException {
        writeRaw(MllpFraming.frame(payload));
        return readReply();
    }

    /** Writes bytes as they are (no framing): for tests of split frames and junk. */
    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads the next framed reply; {@link SocketTimeoutException} after the timeout, EOF as IOException. */
    public byte[] readReply() throws IOException {
        while (replies.isEmpty()) {
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("connection closed by the listener before a reply");
            }
            List<MllpFrameDecoder.Event> events = decoder.feed(buf, 0, n);
            for (MllpFrameDecoder.Event e : events) {
                if (e instanceof MllpFrameDecoder.Frame f) {
                    replies.add(f.payload());
                } else {
                    throw new IOException("reply larger than " + MAX_REPLY_BYTES + " bytes");
                }
            }
        }
        return replies.poll();
    }

    /** MSA-1 of an ACK ("AA", "AE", "AR"), or "" if there is no MSA segment. */
    public static String ackCode(String ack) {
        return msaField(ack, 1);
    }

    /** MSA-{@code n} of an ACK, or "". */
    public static String msaField(String ack, int n) {
        for (String seg : ack.split("[\r\n]+")) {
            if (seg.startsWith("MSA") && seg.length() > 3) {
                String[] f = seg.split(Pattern.quote(String.valueOf(seg.charAt(3))), -1);
                return n < f.length ? f[n] : "";
            }
        }
        return "";
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
