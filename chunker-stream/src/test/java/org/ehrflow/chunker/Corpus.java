package org.ehrflow.chunker;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.ehrflow.schemas.Json;

/** Every FHIR resource of the shared synthetic corpus (single resources, Bundle entries, NDJSON lines). */
public final class Corpus {

    /** The shared corpus, relative to this module (or to the repository root, for exec:java drivers). */
    public static final Path FHIR = Files.isDirectory(Path.of("..", "..", "shared", "corpus", "fhir"))
            ? Path.of("..", "..", "shared", "corpus", "fhir") : Path.of("..", "shared", "corpus", "fhir");

    /** A corpus resource: where it came from, its type and its JSON. */
    public record Entry(String origin, String resourceType, String id, String json) {
    }

    private Corpus() {
    }

    public static List<Entry> all() {
        List<Entry> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(FHIR)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".ndjson")) {
                    int line = 0;
                    for (String l : Files.readAllLines(f)) {
                        line++;
                        if (!l.isBlank()) {
                            add(out, name + ":" + line, Json.MAPPER.readTree(l));
                        }
                    }
                } else if (name.endsWith(".json")) {
                    JsonNode node = Json.MAPPER.readTree(f.toFile());
                    if ("Bundle".equals(node.path("resourceType").asText())) {
                        int i = 0;
                        for (JsonNode e : node.path("entry")) {
                            add(out, name + "#" + i++, e.path("resource"));
                        }
                    } else {
                        add(out, name, node);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static void add(List<Entry> out, String origin, JsonNode resource) throws IOException {
        String id = resource.path("id").asText("");
        if (!id.matches("[A-Za-z0-9\\-.]{1,64}")) {
            id = "corpus-" + out.size();
        }
        out.add(new Entry(origin, resource.path("resourceType").asText(), id,
                Json.MAPPER.writeValueAsString(resource)));
    }
}
