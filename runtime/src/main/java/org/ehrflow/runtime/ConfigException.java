package org.ehrflow.runtime;

import java.util.List;

/** Fatal configuration: thrown once at start-up with every problem found, each naming its setting. */
public final class ConfigException extends RuntimeException {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super("invalid configuration:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
