package org.ehrflow.sink.error;

/** The sink was asked to stop while it waited to retry; the batch is abandoned uncommitted (offsets unchanged). */
public final class SinkStoppedException extends RuntimeException {

    public SinkStoppedException() {
        super("stopping", null, false, false);
    }
}
