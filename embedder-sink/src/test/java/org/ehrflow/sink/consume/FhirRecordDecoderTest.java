package org.ehrflow.sink.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ehrflow.sink.Fixtures.PATIENT_A;
import static org.ehrflow.sink.Fixtures.PATIENT_B;

import java.nio.charset.StandardCharsets;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.Topics;
import org.ehrflow.sink.Fixtures;
import org.ehrflow.sink.error.ReasonCodes;
import org.junit.jupiter.api.Test;

class FhirRecordDecoderTest {

    @Test
    void acceptsUpsertDeleteAndMergeRecords() {
        for (FhirRecord r : new FhirRecord[] {
                Fixtures.resource(PATIENT_A, "Observation", "o-1", "{\"resourceType\":\"Observation\",\"id\":\"o-1\"}"),
                Fixtures.resourceDelete(PATIENT_A, "Observation", "o-1"),
                Fixtures.resourceMerge(PATIENT_A, PATIENT_B)}) {
            assertThat(FhirRecordDecoder.decodeAny(Topics.FHIR_RESOURCES.name(), PATIENT_A, Fixtures.bytes(r)))
                    .isEqualTo(new Decoded.Resource(r));
        }
    }

    @Test
    void rejectsWhatTheStoreCannotApply() {
        FhirRecord r = Fixtures.resource(PATIENT_A, "Observation", "o-1", "{\"resourceType\":\"Observation\"}");
        assertThat(reason(FhirRecordDecoder.decode(PATIENT_B, Fixtures.bytes(r)))).isEqualTo(ReasonCodes.KEY_MISMATCH);
        assertThat(reason(FhirRecordDecoder.decode(PATIENT_A, null))).isEqualTo(ReasonCodes.NULL_VALUE);
        assertThat(reason(FhirRecordDecoder.decode(PATIENT_A, "{oops".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(ReasonCodes.VALUE_NOT_DESERIALIZABLE);
        assertThat(reason(FhirRecordDecoder.decode(PATIENT_A, "{\"op\":\"UPSERT\"}".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(ReasonCodes.SCHEMA_VIOLATION);
    }

    @Test
    void chunkTopicRecordsStillGoToTheChunkSetDecoder() {
        byte[] set = Fixtures.bytes(Fixtures.upsert(PATIENT_A, "DocumentReference/1", "x"));
        assertThat(FhirRecordDecoder.decodeAny(Topics.CHUNKS.name(), PATIENT_A,
                set)).isInstanceOf(Decoded.Accepted.class);
    }

    private static String reason(Decoded d) {
        assertThat(d).isInstanceOf(Decoded.Rejected.class);
        return ((Decoded.Rejected) d).reasonCode();
    }
}
