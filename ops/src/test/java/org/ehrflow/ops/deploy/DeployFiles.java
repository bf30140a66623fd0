package org.ehrflow.ops.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** The repository's deploy files, read from the ops module's working directory (Maven runs tests there). */
final class DeployFiles {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path DEPLOY = ROOT.resolve("deploy");
    private static final Pattern METRIC = Pattern.compile("\\b(ehrflow_[a-z0-9_]+|up)\\b");

    private DeployFiles() {
    }

    @SuppressWarnings("unchecked")
    /** A compose value as compose resolves it when the variable is not set: {@code ${VAR:-default}} is its default. */
    static String composeDefault(String value) {
        return value.replaceAll("\\$\\{[A-Za-z0-9_]+:-([^}]*)}", "$1");
    }

    static Map<String, Object> yaml(Path file) throws IOException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        try (Reader r = Files.newBufferedReader(file)) {
            return (Map<String, Object>) new Yaml(options).load(r);
        }
    }

    /** Metric names (ehrflow_* and up) an expression refers to. */
    static Set<String> metricsIn(String expr) {
        Set<String> out = new TreeSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Every Java source of a module's main code, concatenated. */
    static String mainSources(String module) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                sb.append(Files.readString(p)).append('\n');
            }
        }
        return sb.toString();
    }
}
