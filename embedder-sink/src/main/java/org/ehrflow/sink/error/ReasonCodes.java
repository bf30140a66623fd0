package org.ehrflow.sink.error;

/** Reason codes of the sink's dead letters; the table in embedder-sink/README.md explains each. */
public final class ReasonCodes {

    /** The value is not a ChunkSet in JSON. */
    public static final String VALUE_NOT_DESERIALIZABLE = "VALUE_NOT_DESERIALIZABLE";
    /** The value is null (the chunk topic has no tombstones; a DELETE is an explicit chunk set). */
    public static final String NULL_VALUE = "NULL_VALUE";
    /** The value breaks chunk-set.v1.schema.json. */
    public static final String SCHEMA_VIOLATION = "SCHEMA_VIOLATION";
    /** The record key is not the set's patient key, so partition placement and ordering are wrong. */
    public static final String KEY_MISMATCH = "KEY_MISMATCH";
    /** Two chunks of one set share a chunk id. */
    public static final String DUPLICATE_CHUNK_ID = "DUPLICATE_CHUNK_ID";
    /** A chunk's content hash is not the SHA-256 of its text (re-embedding decisions depend on it). */
    public static final String CONTENT_HASH_MISMATCH = "CONTENT_HASH_MISMATCH";
    /** The embedding model failed on this record's text. */
    public static final String EMBEDDING_FAILED = "EMBEDDING_FAILED";
    /** PostgreSQL refused this record's rows (data exception, constraint); SQLSTATE in the log line. */
    public static final String PG_REJECTED = "PG_REJECTED";

    private ReasonCodes() {
    }
}
