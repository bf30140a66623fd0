package org.ehrflow.schemas;

import org.apache.kafka.common.serialization.Serde;

/**
 * A topic of the contract: its name, key and value serdes, and the JSON Schema its values must satisfy.
 *
 * @param name       topic name, {@code <domain>.<stage>.<entity>.v<N>}
 * @param keySerde   serde of the key (the patient key for every keyed topic)
 * @param valueSerde serde of the value
 * @param valueType  the value's record type
 * @param schemaPath classpath resource of the value's JSON Schema
 */
public record TopicSpec<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, Class<V> valueType,
        String schemaPath) {
}
