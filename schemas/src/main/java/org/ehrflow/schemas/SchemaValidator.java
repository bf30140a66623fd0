package org.ehrflow.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks serialized topic values against the topic's JSON Schema. Used by tests of every producing stage
 * ("every produced record validates") and by DLQ replay tooling.
 */
public final class SchemaValidator {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final Map<String, JsonSchema> CACHE = new ConcurrentHashMap<>();

    private SchemaValidator() {
    }

    /** Validation problems (paths and rule names only) for {@code json} as a value of {@code topic}; empty if valid. */
    public static List<String> problems(TopicSpec<?, ?> topic, byte[] json) {
        JsonSchema schema = CACHE.computeIfAbsent(topic.schemaPath(), SchemaValidator::load);
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            return List.of("not JSON");
        }
        return schema.validate(node).stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    private static JsonSchema load(String path) {
        try (InputStream in = SchemaValidator.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("schema resource missing: " + path);
            }
            return FACTORY.getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
