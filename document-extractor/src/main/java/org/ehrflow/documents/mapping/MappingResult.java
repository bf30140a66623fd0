package org.ehrflow.documents.mapping;

import org.ehrflow.schemas.DocumentText;

/** What one normalised document record became. */
public sealed interface MappingResult {

    /** The extracted text (or a DELETE) for the chunker. */
    record Mapped(DocumentText document) implements MappingResult {
    }

    /**
     * Bad input: dead-lettered with {@code reasonCode}; {@code mimeType} explains unsupported types;
     * {@code causeClass} is a class name, never a message.
     */
    record Rejected(String reasonCode, String mimeType, String causeClass) implements MappingResult {
    }

    /** Needs OCR or a fetch, and this is the fast lane: forward the record to the slow lane. */
    record SlowLane() implements MappingResult {
    }
}
