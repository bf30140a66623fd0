package org.ehrflow.gateway.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.ehrflow.schemas.Json;
import org.junit.jupiter.api.Test;

/**
 * The one-pass reader builds the tree {@code Json.MAPPER.readTree} builds and finds exactly what
 * {@link JsonStructure} finds on that tree: on every corpus document, on hand-written odd shapes, and on 1,000
 * mutated corpus Bundles (wrong JSON types, bad dates, unknown and repeated names, resourceType moved, arrays where
 * single values belong and back).
 */
class CheckedJsonReaderTest {

    private static final Path FHIR = Path.of("../../shared/corpus/fhir");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Test
    void corpusDocumentsReadAsTheTwoPassWay() throws IOException {
        int n = 0;
        for (String doc : corpus()) {
            agree(doc);
            n++;
        }
        assertThat(n).isGreaterThan(1800);
    }

    @Test
    void oddShapesReadAsTheTwoPassWay() throws IOException {
        for (String doc : List.of("{}", "[]", "\"x\"", "12", "{\"resourceType\":7}",
                "{\"id\":\"a\",\"resourceType\":\"Patient\",\"birthDate\":\"1970-13-01\"}",
                "{\"resourceType\":\"Patient\",\"active\":true,\"active\":\"yes\"}",
                "{\"resourceType\":\"Patient\",\"resourceType\":\"Observation\",\"status\":9}",
                "{\"resourceType\":\"Observation\",\"valueQuantity\":{\"value\":1.50e2},\"valueInteger\":12345678901}",
                "{\"resourceType\":\"Patient\",\"multipleBirthInteger\":1e400,\"_birthDate\":5,\"ZZ\":{\"a\":[1,[2]]}}",
                "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":[1]},{\"resource\":{\"id\":\"x\"}},null,7]}",
                "{\"resourceType\":\"Patient\",\"contained\":[{\"resourceType\":\"Nope\"},3],\"name\":[null,\"x\"]}",
                "{\"resourceType\":\"Patient\",\"text\":{\"div\":{\"x\":1}},\"gender\":null} trailing")) {
            agree(doc);
        }
    }

    @Test
    void mutatedBundlesReadAsTheTwoPassWay() throws IOException {
        List<String> bundles = corpus().stream().filter(d -> d.length() < 400_000 && d.contains("\"Bundle\""))
                .limit(40).toList();
        Random rnd = new Random(7);
        for (int i = 0; i < 1000; i++) {
            JsonNode tree = Json.MAPPER.readTree(bundles.get(rnd.nextInt(bundles.size())));
            for (int m = 1 + rnd.nextInt(3); m > 0; m--) {
                mutate(tree, rnd);
            }
            String doc = Json.MAPPER.writeValueAsString(tree);
            if (rnd.nextInt(20) == 0) {
                doc = doc.replaceFirst("\\{\"resourceType\":\"(\\w+)\",", "{\"resourceType\":\"$1\",\"id\":\"d\",");
            }
            agree(doc);
        }
    }

    private static void agree(String doc) throws IOException {
        byte[] bytes = doc.getBytes(StandardCharsets.UTF_8);
        for (boolean strict : new boolean[] {true, false}) {
            JsonStructure structure = new JsonStructure(strict);
            CheckedJsonReader.Result r = new CheckedJsonReader(structure).read(bytes);
            JsonNode expected = Json.MAPPER.readTree(bytes);
            assertThat(r.tree()).isEqualTo(expected);
            assertThat(r.issues()).isEqualTo(expected.isObject() || expected.isArray() || expected.isValueNode()
                    ? structure.check(expected) : List.of());
        }
    }

    /** One random change somewhere in the tree. */
    private static void mutate(JsonNode root, Random rnd) {
        List<ObjectNode> objects = new ArrayList<>();
        collect(root, objects);
        ObjectNode o = objects.get(rnd.nextInt(objects.size()));
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        if (names.isEmpty()) {
            return;
        }
        String name = names.get(rnd.nextInt(names.size()));
        JsonNode v = o.get(name);
        switch (rnd.nextInt(9)) {
            case 0 -> o.put(name, 42);
            case 1 -> o.put(name, "1970-13-01T25:00:00Z");
            case 2 -> o.set(name, NODES.arrayNode().add(v));
            case 3 -> o.set(name, v.isArray() && !v.isEmpty() ? v.get(0) : NODES.objectNode());
            case 4 -> o.put("zzUnknown" + rnd.nextInt(3), true);
            case 5 -> o.put("_" + name, rnd.nextBoolean() ? "x" : null);
            case 6 -> {
                JsonNode type = o.remove("resourceType");
                if (type != null) {
                    o.set("resourceType", type);
                }
            }
            case 7 -> o.put(name, rnd.nextBoolean() ? 1.5 : -3);
            default -> o.putNull(name);
        }
    }

    private static void collect(JsonNode n, List<ObjectNode> out) {
        if (n instanceof ObjectNode o) {
            out.add(o);
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext();) {
                collect(it.next().getValue(), out);
            }
        } else if (n instanceof ArrayNode a) {
            a.forEach(x -> collect(x, out));
        }
    }

    private static List<String> corpus() throws IOException {
        List<String> docs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(FHIR)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> f.toString().matches(".*\\.(nd)?json$"))
                    .sorted().toList()) {
                if (f.toString().endsWith(".ndjson")) {
                    Files.readAllLines(f).stream().filter(l -> !l.isBlank()).forEach(docs::add);
                } else {
                    docs.add(Files.readString(f));
                }
            }
        }
        return docs;
    }
}
