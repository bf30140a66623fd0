package org.ehrflow.gateway.fhir;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.ehrflow.gateway.fhir.ElementTables.Slot;
import org.ehrflow.gateway.fhir.ElementTables.Table;
import org.ehrflow.schemas.Json;

/**
 * Reads a JSON body into the tree {@code Json.MAPPER.readTree} builds and checks it as {@link JsonStructure} does, in
 * one pass over the parser's tokens: the separate walk read every node of a just-built tree back from memory, a
 * tenth of the gateway's CPU per Bundle. {@code CheckedJsonReaderTest} proves tree and findings equal to the two-pass
 * way on the corpus and on mutated Bundles. Shapes the single pass does not follow (a resource whose
 * {@code resourceType} is not its first member, a repeated member name) are re-checked by the walk on the finished
 * tree.
 */
public final class CheckedJsonReader {

    /** The tree and its findings (empty: structurally valid R4). */
    public record Result(JsonNode tree, List<ParseIssue> issues) {
    }

    private static final JsonNodeFactory NODES = Json.MAPPER.getNodeFactory();

    private final JsonStructure structure;

    public CheckedJsonReader(JsonStructure structure) {
        this.structure = structure;
    }

    /** Reads and checks {@code json} (UTF-8); throws for text that is not JSON. */
    public Result read(byte[] json) throws IOException {
        try (JsonParser p = Json.MAPPER.createParser(json)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return new Result(MissingNode.getInstance(), List.of());
            }
            Pass pass = new Pass(p);
            JsonNode root = t == JsonToken.START_OBJECT ? pass.resource(null) : pass.any(t);
            List<ParseIssue> issues = pass.fallback || !root.isObject() ? structure.check(root) : pass.out;
            return new Result(root, issues);
        }
    }

    /** One read: the parser, the findings so far, and whether the walk must redo them. */
    private final class Pass {
        private final JsonParser p;
        private final List<ParseIssue> out = new ArrayList<>();
        private boolean fallback;

        Pass(JsonParser p) {
            this.p = p;
        }

        /** A resource object whose START_OBJECT is the current token; {@code path} null: the root. */
        JsonNode resource(ElementPath path) throws IOException {
            ObjectNode node = NODES.objectNode();
            JsonToken t = p.nextToken();
            if (t == JsonToken.FIELD_NAME && p.currentName().equals("resourceType")) {
                JsonNode type = any(p.nextToken());
                node.set("resourceType", type);
                String name = type.isTextual() ? type.textValue() : "";
                if (FhirCodec.isResourceType(name)) {
                    members(node, ElementTables.resource(name), path == null ? ElementPath.root(name) : path);
                    return node;
                }
                t = p.nextToken();
            }
            // Not the usual shape: read the rest as it is and let the walk check the whole tree.
            fallback = true;
            rest(node, t);
            return node;
        }

        /** The members of an object up to its END_OBJECT, checked against {@code table}. */
        private void members(ObjectNode node, Table table, ElementPath path) throws IOException {
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken vt = p.nextToken();
                JsonNode v;
                if (name.equals("resourceType") || name.equals("fhir_comments")) {
                    v = any(vt);
                } else if (name.startsWith("_")) {
                    v = any(vt);
                    JsonStructure.sidecar(name, v, path, out);
                } else {
                    v = element(table.slot(name), name, vt, path);
                }
                if (node.replace(name, v) != null) {
                    fallback = true; // a repeated name: the tree keeps the last value, the walk checks that one
                }
            }
        }

        private JsonNode element(Slot slot, String name, JsonToken vt, ElementPath path) throws IOException {
            if (slot == null) {
                structure.unknown(name, path, out);
                return any(vt);
            }
            if (slot.repeats) {
                if (vt != JsonToken.START_ARRAY) {
                    out.add(new ParseIssue(path.child(name).toString(), "wrong JSON type: expected an array"));
                    return any(vt);
                }
                ArrayNode items = NODES.arrayNode();
                int i = 0;
                for (JsonToken it = p.nextToken(); it != JsonToken.END_ARRAY; it = p.nextToken()) {
                    items.add(value(slot, it, path.item(name, i++)));
                }
                return items;
            }
            if (vt == JsonToken.START_ARRAY) {
                out.add(new ParseIssue(path.child(name).toString(), "element repeats but may occur at most once"));
                return any(vt);
            }
            return value(slot, vt, path.child(name));
        }

        private JsonNode value(Slot slot, JsonToken t, ElementPath path) throws IOException {
            switch (slot.kind) {
                case COMPOSITE -> {
                    if (t != JsonToken.START_OBJECT) {
                        out.add(new ParseIssue(path.toString(), "wrong JSON type: expected an object"));
                        return any(t);
                    }
                    ObjectNode node = NODES.objectNode();
                    members(node, slot.table(), path);
                    return node;
                }
                case RESOURCE -> {
                    if (t == JsonToken.START_OBJECT) {
                        return resource(path);
                    }
                    JsonNode v = any(t);
                    structure.resource(v, path, out);
                    return v;
                }
                case UNCHECKED -> {
                    return any(t);
                }
                default -> {
                    JsonNode v = any(t);
                    JsonStructure.primitive(slot, v, path, out);
                    return v;
                }
            }
        }

        /** The rest of an object from token {@code t}, unchecked. */
        private void rest(ObjectNode node, JsonToken t) throws IOException {
            for (; t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                node.replace(name, any(p.nextToken()));
            }
        }

        /** Any value starting at token {@code t}, unchecked, built as Jackson's tree reader builds it. */
        JsonNode any(JsonToken t) throws IOException {
            return switch (t) {
                case START_OBJECT -> {
                    ObjectNode node = NODES.objectNode();
                    rest(node, p.nextToken());
                    yield node;
                }
                case START_ARRAY -> {
                    ArrayNode items = NODES.arrayNode();
                    for (JsonToken it = p.nextToken(); it != JsonToken.END_ARRAY; it = p.nextToken()) {
                        items.add(any(it));
                    }
                    yield items;
                }
                case VALUE_STRING -> NODES.textNode(p.getText());
                case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
                case VALUE_NUMBER_FLOAT -> switch (p.getNumberType()) {
                    case BIG_DECIMAL -> NODES.numberNode(p.getDecimalValue());
                    case FLOAT -> NODES.numberNode(p.getFloatValue());
                    default -> NODES.numberNode(p.getDoubleValue());
                };
                case VALUE_TRUE -> NODES.booleanNode(true);
                case VALUE_FALSE -> NODES.booleanNode(false);
                case VALUE_NULL -> NODES.nullNode();
                case VALUE_EMBEDDED_OBJECT -> NODES.pojoNode(p.getEmbeddedObject());
                default -> throw new IOException("unexpected JSON token " + t);
            };
        }
    }
}
