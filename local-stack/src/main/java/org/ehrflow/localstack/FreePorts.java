package org.ehrflow.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Picks free TCP ports on the loopback interface. */
public final class FreePorts {

    public static final String LOOPBACK = "127.0.0.1";

    private FreePorts() {
    }

    /** A port that was free a moment ago; callers retry on a bind race. */
    public static int pick() {
        try (ServerSocket socket = new ServerSocket()) {
            // SO_REUSEADDR off: the port must really be unused, not merely in TIME_WAIT
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + LOOPBACK, e);
        }
    }
}
