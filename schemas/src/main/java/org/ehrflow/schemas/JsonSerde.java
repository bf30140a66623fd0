package org.ehrflow.schemas;

import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Jackson serde for the contract's record types. Deserialization failures throw {@link SerializationException}
 * with the target type only, never the payload, so they are safe to log.
 */
public final class JsonSerde<T> implements Serde<T> {

    private final Class<T> type;

    public JsonSerde(Class<T> type) {
        this.type = type;
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                return Json.MAPPER.writeValueAsBytes(value);
            } catch (IOException e) {
                throw new SerializationException("cannot serialize " + type.getSimpleName());
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                return Json.MAPPER.readValue(data, type);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("cannot deserialize " + type.getSimpleName() + " ("
                        + e.getClass().getSimpleName() + ")");
            }
        };
    }
}
