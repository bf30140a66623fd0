package org.ehrflow.sink.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ehrflow.sink.Fixtures.PATIENT_A;
import static org.ehrflow.sink.Fixtures.PATIENT_B;

import java.nio.charset.StandardCharsets;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.SchemaValidator;
import org.ehrflow.schemas.Topics;
import org.ehrflow.sink.Fixtures;
import org.ehrflow.sink.error.ReasonCodes;
import org.junit.jupiter.api.Test;

class ChunkSetDecoderTest {

    private static final ChunkSet NOTE = Fixtures.upsert(PATIENT_A, "DocumentReference/n-1", "Cough for 3 days.",
            "Plan: rest and fluids.");

    @Test
    void acceptsAChunkSetThatKeepsTheContract() {
        byte[] value = Fixtures.bytes(NOTE);
        assertThat(SchemaValidator.problems(Topics.CHUNKS, value)).isEmpty();
        assertThat(ChunkSetDecoder.decode(PATIENT_A, value)).isEqualTo(new Decoded.Accepted(NOTE));
    }

    @Test
    void acceptsADeleteSet() {
        ChunkSet delete = Fixtures.delete(PATIENT_A, "DocumentReference/n-1");
        assertThat(ChunkSetDecoder.decode(PATIENT_A, Fixtures.bytes(delete))).isEqualTo(new Decoded.Accepted(delete));
    }

    @Test
    void rejectsBytesThatAreNotJson() {
        assertThat(reason(PATIENT_A, "{not json".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(ReasonCodes.VALUE_NOT_DESERIALIZABLE);
    }

    @Test
    void rejectsJsonThatBreaksTheSchema() {
        // sourceId must be "Type/id"; this one has no slash.
        String json = new String(Fixtures.bytes(NOTE), StandardCharsets.UTF_8)
                .replace("DocumentReference/n-1\"", "no-slash\"");
        assertThat(reason(PATIENT_A, json.getBytes(StandardCharsets.UTF_8))).isEqualTo(ReasonCodes.SCHEMA_VIOLATION);
    }

    @Test
    void rejectsANullValue() {
        assertThat(reason(PATIENT_A, null)).isEqualTo(ReasonCodes.NULL_VALUE);
    }

    @Test
    void rejectsASetWhoseKeyIsAnotherPatient() {
        assertThat(reason(PATIENT_B, Fixtures.bytes(NOTE))).isEqualTo(ReasonCodes.KEY_MISMATCH);
    }

    @Test
    void rejectsDuplicateChunkIds() {
        String json = new String(Fixtures.bytes(NOTE), StandardCharsets.UTF_8).replace("n-1#1", "n-1#0");
        assertThat(reason(PATIENT_A, json.getBytes(StandardCharsets.UTF_8))).isEqualTo(ReasonCodes.DUPLICATE_CHUNK_ID);
    }

    @Test
    void rejectsAContentHashThatIsNotTheTextsHash() {
        String json = new String(Fixtures.bytes(NOTE), StandardCharsets.UTF_8).replace("Cough for 3", "Cough for 4");
        assertThat(reason(PATIENT_A, json.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(ReasonCodes.CONTENT_HASH_MISMATCH);
    }

    private static String reason(String key, byte[] value) {
        Decoded d = ChunkSetDecoder.decode(key, value);
        assertThat(d).isInstanceOf(Decoded.Rejected.class);
        return ((Decoded.Rejected) d).reasonCode();
    }
}
