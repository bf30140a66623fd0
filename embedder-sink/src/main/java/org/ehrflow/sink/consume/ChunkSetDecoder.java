package org.ehrflow.sink.consume;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.errors.SerializationException;
import org.ehrflow.schemas.Chunk;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.SchemaValidator;
import org.ehrflow.schemas.Topics;
import org.ehrflow.sink.error.ReasonCodes;

/**
 * Turns a chunk-topic record into a {@link ChunkSet} or a rejection: JSON Schema first (so a broken producer is
 * caught by the contract, not by a NullPointerException later), then the rules the schema cannot state. Pure.
 */
public final class ChunkSetDecoder {

    private ChunkSetDecoder() {
    }

    public static Decoded decode(String key, byte[] value) {
        if (value == null) {
            return new Decoded.Rejected(ReasonCodes.NULL_VALUE, null);
        }
        List<String> problems = SchemaValidator.problems(Topics.CHUNKS, value);
        if (problems.equals(List.of("not JSON"))) {
            return new Decoded.Rejected(ReasonCodes.VALUE_NOT_DESERIALIZABLE, null);
        }
        if (!problems.isEmpty()) {
            return new Decoded.Rejected(ReasonCodes.SCHEMA_VIOLATION, null);
        }
        ChunkSet set;
        try {
            set = Topics.CHUNKS.valueSerde().deserializer().deserialize(Topics.CHUNKS.name(), value);
        } catch (SerializationException e) {
            return new Decoded.Rejected(ReasonCodes.VALUE_NOT_DESERIALIZABLE, e);
        }
        if (!set.patientKey().equals(key)) {
            return new Decoded.Rejected(ReasonCodes.KEY_MISMATCH, null);
        }
        Set<String> ids = new HashSet<>();
        for (Chunk c : set.chunks()) {
            if (!ids.add(c.chunkId())) {
                return new Decoded.Rejected(ReasonCodes.DUPLICATE_CHUNK_ID, null);
            }
            if (!sha256(c.text()).equals(c.contentHash())) {
                return new Decoded.Rejected(ReasonCodes.CONTENT_HASH_MISMATCH, null);
            }
        }
        return new Decoded.Accepted(set);
    }

    /** SHA-256 hex of the text's UTF-8 bytes: the contract's content hash. */
    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JRE", e);
        }
    }
}
