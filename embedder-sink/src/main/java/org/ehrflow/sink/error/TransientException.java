package org.ehrflow.sink.error;

/**
 * A fault that may pass (an embedding endpoint overloaded or unreachable after its own retries): the retrier
 * backs off and retries the batch, with consumption paused; the records are never dead-lettered for it.
 */
public final class TransientException extends RuntimeException {

    public TransientException(String message, Throwable cause) {
        super(message, cause);
    }
}
