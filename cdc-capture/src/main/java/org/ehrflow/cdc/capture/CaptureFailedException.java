package org.ehrflow.cdc.capture;

/** A non-retriable failure that stops the capture: the slot keeps the unacknowledged changes for the next start. */
public final class CaptureFailedException extends RuntimeException {

    /** @param message codes and class names only, never event content */
    public CaptureFailedException(String message) {
        super(message);
    }
}
