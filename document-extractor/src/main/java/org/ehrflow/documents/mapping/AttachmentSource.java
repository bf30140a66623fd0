package org.ehrflow.documents.mapping;

import org.ehrflow.documents.extract.DocumentFailure;

/**
 * Fetches an attachment that is only a reference ({@code attachment.url}: "Binary/123" or an absolute URL).
 * Implementations are I/O adapters (see {@code fetch/}); the mapper stays pure.
 */
public interface AttachmentSource {

    /** The fetched bytes and the content type the server declared. */
    record Fetched(byte[] data, String contentType) {
        @Override
        public String toString() {
            return "Fetched[" + data.length + " bytes, " + contentType + "]";
        }
    }

    /** A failure worth retrying later (network, 5xx, 429): never dead-lettered. */
    final class TransientFetchException extends Exception {
        private final String causeClass;

        /** {@code what} is a code or status, never a URL's query or a body; the cause keeps its class only. */
        public TransientFetchException(String what, Throwable cause) {
            super(what, null, false, false);
            this.causeClass = cause == null ? null : cause.getClass().getName();
        }

        public String causeClass() {
            return causeClass;
        }
    }

    /**
     * The attachment behind {@code url}; a {@link DocumentFailure} for what retrying cannot fix (host not allowed,
     * 404, too large), a {@link TransientFetchException} for what it can.
     */
    Fetched fetch(String url) throws DocumentFailure, TransientFetchException;

    /** No fetching configured: every reference is unresolvable. */
    AttachmentSource NONE = url -> {
        throw new DocumentFailure(org.ehrflow.documents.error.ReasonCodes.DOCUMENT_REFERENCE_UNRESOLVABLE);
    };
}
