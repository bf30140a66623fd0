package org.ehrflow.listener.mllp;

/** A running MLLP port, plain ({@link MllpServer}) or TLS ({@link TlsMllpServer}). */
public interface MllpEndpoint extends AutoCloseable {

    /** The bound port (useful when configured as 0). */
    int port();

    /** Whether it is serving and not shutting down. */
    boolean isRunning();

    /** Open client connections. */
    int openConnections();

    /** Stops accepting, answers what is in flight (bounded), closes every connection. */
    @Override
    void close();
}
