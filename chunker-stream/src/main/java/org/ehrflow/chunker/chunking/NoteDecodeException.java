package org.ehrflow.chunker.chunking;

/** An attachment's bytes are not text in its declared charset. The message names the charset only. */
public final class NoteDecodeException extends Exception {

    public NoteDecodeException(String message) {
        super(message);
    }
}
