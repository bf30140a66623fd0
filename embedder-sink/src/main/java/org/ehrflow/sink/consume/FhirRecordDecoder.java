package org.ehrflow.sink.consume;

import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.SchemaValidator;
import org.ehrflow.schemas.Topics;
import org.ehrflow.sink.error.ReasonCodes;

/** Turns a normalised-topic record into a {@link FhirRecord} for the source-record store, or a rejection. Pure. */
public final class FhirRecordDecoder {

    private FhirRecordDecoder() {
    }

    public static Decoded decode(String key, byte[] value) {
        if (value == null) {
            return new Decoded.Rejected(ReasonCodes.NULL_VALUE, null);
        }
        List<String> problems = SchemaValidator.problems(Topics.FHIR_RESOURCES, value);
        if (problems.equals(List.of("not JSON"))) {
            return new Decoded.Rejected(ReasonCodes.VALUE_NOT_DESERIALIZABLE, null);
        }
        if (!problems.isEmpty()) {
            return new Decoded.Rejected(ReasonCodes.SCHEMA_VIOLATION, null);
        }
        FhirRecord record;
        try {
            record = Topics.FHIR_RESOURCES.valueSerde().deserializer().deserialize(Topics.FHIR_RESOURCES.name(), value);
        } catch (SerializationException | IllegalArgumentException | NullPointerException e) {
            return new Decoded.Rejected(ReasonCodes.VALUE_NOT_DESERIALIZABLE, e);
        }
        if (!record.patientKey().equals(key)) {
            return new Decoded.Rejected(ReasonCodes.KEY_MISMATCH, null);
        }
        return new Decoded.Resource(record);
    }

    /** Decodes a record of either input topic. */
    public static Decoded decodeAny(String topic, String key, byte[] value) {
        return Topics.FHIR_RESOURCES.name().equals(topic) ? decode(key, value) : ChunkSetDecoder.decode(key, value);
    }
}
