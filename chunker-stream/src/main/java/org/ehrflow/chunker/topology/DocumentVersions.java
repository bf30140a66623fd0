package org.ehrflow.chunker.topology;

import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The ingest-time rule for documents with the extractor deployed ({@code chunker-document-versions}): per document,
 * the newest ingest time applied; an arrival older than it is stale. Extracted text and a DiagnosticReport DELETE
 * (retracted by the chunker directly, not through the extractor's lanes) both pass through it, so neither a late
 * OCR result re-creates a deleted report nor a late delete retracts a newer version.
 */
final class DocumentVersions {

    private final KeyValueStore<String, String> store;

    DocumentVersions(KeyValueStore<String, String> store) {
        this.store = store;
    }

    /** Records {@code ingestMillis} for the document and returns true, or returns false if a newer one was applied. */
    boolean admit(String patientKey, String reference, long ingestMillis) {
        String key = StateStores.key(patientKey, reference);
        String seen = store.get(key);
        if (seen != null && ingestMillis < Long.parseLong(seen)) {
            return false;
        }
        store.put(key, Long.toString(ingestMillis));
        return true;
    }
}
