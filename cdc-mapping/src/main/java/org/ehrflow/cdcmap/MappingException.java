package org.ehrflow.cdcmap;

import java.util.List;
import java.util.stream.Collectors;

/** A mapping file that cannot be used: every problem found, at once, each with its file and line. */
public final class MappingException extends RuntimeException {

    private final List<Problem> problems;

    public MappingException(List<Problem> problems) {
        super(problems.size() + " problem(s) in the CDC mapping:\n"
                + problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
