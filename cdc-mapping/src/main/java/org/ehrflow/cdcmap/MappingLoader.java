package org.ehrflow.cdcmap;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a CDC mapping file (YAML, see the cdc-capture README) and checks it on its own (columns declared, tables
 * referenced exist, kinds known); every problem is collected and thrown together as a {@link MappingException}.
 */
public final class MappingLoader {

    /** The demo EHR's mapping, shipped in this jar. */
    public static final String DEMO = "classpath:org/ehrflow/cdcmap/demo-ehr.yaml";

    private MappingLoader() {
    }

    /**
     * @param location a file path, or {@code classpath:<resource>}
     * @param settings values for {@code ${name}} in the file (e.g. mrnSystem); null leaves them unread
     */
    public static CdcMapping load(String location, Map<String, String> settings) {
        String name = location.startsWith("classpath:") ? location.substring(location.lastIndexOf('/') + 1)
                : Path.of(location).getFileName().toString();
        try (Reader r = open(location)) {
            return parse(name, r, settings);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read CDC mapping " + name, e);
        }
    }

    public static CdcMapping parse(String name, Reader reader, Map<String, String> settings) {
        Problems problems = new Problems(name, settings);
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(reader);
        } catch (MarkedYAMLException e) {
            problems.add(e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1, "not valid YAML: "
                    + e.getProblem());
            throw new MappingException(problems.list());
        }
        YamlNode doc = new YamlNode(root, problems);
        Map<String, YamlNode> top = doc.entries("the file");
        String schema = top.containsKey("schema") ? top.get("schema").text("schema") : null;
        Map<String, TableMapping> tables = new LinkedHashMap<>();
        YamlNode t = top.get("tables");
        if (t == null) {
            problems.add(doc.line(), "no 'tables'");
        } else {
            t.entries("tables").forEach((table, y) -> tables.put(table, TableReader.read(table, y, problems)));
        }
        top.keySet().stream().filter(k -> !k.equals("schema") && !k.equals("tables"))
                .forEach(k -> problems.add(top.get(k).line(), "unknown key '" + k + "'"));
        CdcMapping mapping = new CdcMapping(name, schema, tables);
        FileCheck.check(mapping, problems);
        if (!problems.list().isEmpty()) {
            throw new MappingException(new ArrayList<>(problems.list()));
        }
        return mapping;
    }

    private static Reader open(String location) throws IOException {
        if (location.startsWith("classpath:")) {
            InputStream in = MappingLoader.class.getClassLoader().getResourceAsStream(location.substring(10));
            if (in == null) {
                throw new IOException("no such resource");
            }
            return new InputStreamReader(in, StandardCharsets.UTF_8);
        }
        return Files.newBufferedReader(Path.of(location), StandardCharsets.UTF_8);
    }
}
