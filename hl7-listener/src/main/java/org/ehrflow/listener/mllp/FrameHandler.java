package org.ehrflow.listener.mllp;

import java.util.concurrent.CompletionStage;

/**
 * What the MLLP server does with a frame: answer it, asynchronously, with the ACK bytes (unframed). The server
 * calls it from its selector thread, so implementations must not block; they get one call at a time per
 * connection, in arrival order.
 */
public interface FrameHandler {

    /** A complete frame; the stage completes with the reply to send. */
    CompletionStage<byte[]> onFrame(byte[] payload);

    /**
     * A complete frame from a connection whose TLS client certificate names {@code peer} (its subject's CN), or
     * null without one. Handlers that authorise senders by certificate override this.
     */
    default CompletionStage<byte[]> onFrame(byte[] payload, String peer) {
        return onFrame(payload);
    }

    /** A frame over the size limit ({@code head} = its first bytes); the server closes after sending the reply. */
    CompletionStage<byte[]> onOversized(byte[] head);
}
