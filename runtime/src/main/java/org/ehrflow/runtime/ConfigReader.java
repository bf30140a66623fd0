package org.ehrflow.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Reads typed settings from environment-style variables ({@code EHRFLOW_<MODULE>_<KEY>}), collecting every
 * problem instead of failing on the first, and never falling back to a default after a bad value.
 * Call {@link #validate()} once all settings are read.
 */
public final class ConfigReader {

    /** Suffix of a variable that names a file holding the value (Docker/Kubernetes secrets). */
    public static final String FILE_SUFFIX = "_FILE";

    /** Set to {@code true}: an unknown {@code EHRFLOW_*} key fails start-up instead of being warned about. */
    public static final String STRICT = "EHRFLOW_CONFIG_STRICT";

    // Every prefix a reader served and every key one looked up in this process: what this process knows, so a
    // key under one of its prefixes that nothing read is unknown (misspelt, or meant for another version).
    private static final Set<String> PREFIXES = ConcurrentHashMap.newKeySet();
    private static final Set<String> LOOKED_UP = ConcurrentHashMap.newKeySet();

    private final Map<String, String> env;
    private final String prefix;
    private final List<String> problems = new ArrayList<>();

    /** @param prefix e.g. "EHRFLOW_LISTENER_" */
    public ConfigReader(Map<String, String> env, String prefix) {
        this.env = Map.copyOf(env);
        this.prefix = prefix;
        PREFIXES.add(prefix);
    }

    /**
     * The keys of {@code env} under a prefix some reader of this process served that no reader looked up, sorted.
     * Keys of other apps (other prefixes) are not this process's business and are never reported.
     */
    public static List<String> unknownKeys(Map<String, String> env) {
        return env.keySet().stream()
                .filter(k -> PREFIXES.stream().anyMatch(k::startsWith))
                .filter(k -> !LOOKED_UP.contains(k))
                .filter(k -> !(k.endsWith(FILE_SUFFIX)
                        && LOOKED_UP.contains(k.substring(0, k.length() - FILE_SUFFIX.length()))))
                .sorted().toList();
    }

    /** Whether {@link #STRICT} is set in {@code env}. */
    public static boolean strict(Map<String, String> env) {
        return "true".equalsIgnoreCase(env.getOrDefault(STRICT, "").strip());
    }

    private String lookup(String fullKey) {
        LOOKED_UP.add(fullKey);
        return env.get(fullKey);
    }

    public static ConfigReader fromEnvironment(String prefix) {
        return new ConfigReader(System.getenv(), prefix);
    }

    /** The full variable name of a setting, for messages. */
    public String key(String name) {
        return prefix + name;
    }

    public String string(String name, String defaultValue) {
        String v = lookup(key(name));
        return v == null || v.isBlank() ? defaultValue : v.strip();
    }

    public String requiredString(String name) {
        String v = string(name, null);
        if (v == null) {
            problems.add(key(name) + " is required");
        }
        return v;
    }

    /**
     * A secret from {@code <KEY>} or, as orchestrators mount them, from the file named by {@code <KEY>_FILE}
     * (trailing line breaks dropped). Setting both is a problem: which one wins would be a guess.
     */
    public Secret secret(String name, String defaultValue) {
        String v = lookup(key(name));
        String file = lookup(key(name) + FILE_SUFFIX);
        if (file != null && !file.isBlank()) {
            if (v != null) {
                problems.add("set " + key(name) + " or " + key(name) + FILE_SUFFIX + ", not both");
            }
            String read = readSecretFile(key(name) + FILE_SUFFIX, file.strip());
            return new Secret(read == null ? "" : read);
        }
        return new Secret(v == null ? defaultValue : v);
    }

    private String readSecretFile(String variable, String path) {
        try {
            return Files.readString(Path.of(path), StandardCharsets.UTF_8).replaceAll("[\\r\\n]+$", "");
        } catch (IOException | RuntimeException e) {
            // The path is configuration, not a secret; the content never appears in a message.
            problems.add(variable + " names a file that cannot be read: " + path + " ("
                    + e.getClass().getSimpleName() + ")");
            return null;
        }
    }

    public int integer(String name, int defaultValue, int min, int max) {
        String v = string(name, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            int i = Integer.parseInt(v);
            if (i < min || i > max) {
                problems.add(key(name) + " must be between " + min + " and " + max + " (was " + i + ")");
            }
            return i;
        } catch (NumberFormatException e) {
            problems.add(key(name) + " must be an integer");
            return defaultValue;
        }
    }

    public boolean bool(String name, boolean defaultValue) {
        String v = string(name, null);
        if (v == null) {
            return defaultValue;
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        problems.add(key(name) + " must be true or false");
        return defaultValue;
    }

    /** ISO-8601 ({@code PT2S}) or a plain number of milliseconds. */
    public Duration duration(String name, Duration defaultValue, Duration min, Duration max) {
        String v = string(name, null);
        if (v == null) {
            return defaultValue;
        }
        Duration d;
        try {
            d = v.chars().allMatch(Character::isDigit) ? Duration.ofMillis(Long.parseLong(v)) : Duration.parse(v);
        } catch (DateTimeParseException | NumberFormatException e) {
            problems.add(key(name) + " must be a duration (PT2S or milliseconds)");
            return defaultValue;
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            problems.add(key(name) + " must be between " + min + " and " + max);
        }
        return d;
    }

    public <E extends Enum<E>> E enumValue(String name, Class<E> type, E defaultValue) {
        String v = string(name, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            problems.add(key(name) + " must be one of " + Arrays.toString(type.getEnumConstants()));
            return defaultValue;
        }
    }

    /** Adds a problem unless {@code ok}: for rules that span settings. */
    public void check(boolean ok, String problem) {
        if (!ok) {
            problems.add(problem);
        }
    }

    public <T> T check(T value, Predicate<T> ok, String problem) {
        check(ok.test(value), problem);
        return value;
    }

    /**
     * Pass-through properties: every variable {@code <prefix><sub>X_Y} becomes {@code x.y}, e.g.
     * {@code EHRFLOW_KAFKA_SECURITY_PROTOCOL=SSL} becomes {@code security.protocol=SSL}.
     */
    public Map<String, String> passThrough(String sub) {
        String p = key(sub);
        Map<String, String> out = new TreeMap<>();
        env.forEach((k, v) -> {
            if (!k.startsWith(p) || v.isBlank()) {
                return;
            }
            LOOKED_UP.add(k); // every key under a pass-through prefix is a client property, known by definition
            String name = k.substring(p.length());
            if (name.endsWith(FILE_SUFFIX)) {
                // EHRFLOW_KAFKA_SASL_JAAS_CONFIG_FILE=/run/secrets/jaas -> sasl.jaas.config from that file
                String value = readSecretFile(k, v.strip());
                if (value != null) {
                    out.put(property(name.substring(0, name.length() - FILE_SUFFIX.length())), value);
                }
            } else {
                out.putIfAbsent(property(name), v);
            }
        });
        return out;
    }

    private static String property(String envName) {
        return envName.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** Throws one {@link ConfigException} listing every problem found so far. */
    public void validate() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }
}
