package org.ehrflow.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command-line options of the demo: {@code --corpus DIR} (default ../shared/corpus), {@code --partitions N}
 * (default 4), {@code --keep} (leave the stack running until interrupted).
 */
public record DemoOptions(Path corpus, int partitions, boolean keep) {

    public static DemoOptions parse(String[] args) {
        Path corpus = Path.of("..", "shared", "corpus");
        int partitions = 4;
        boolean keep = false;
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--keep" -> keep = true;
                case "--corpus" -> corpus = Path.of(value(args, ++i, problems));
                case "--partitions" -> {
                    String v = value(args, ++i, problems);
                    try {
                        partitions = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        problems.add("--partitions must be an integer");
                    }
                }
                default -> problems.add("unknown option " + args[i] + " (known: --corpus DIR, --partitions N, --keep)");
            }
        }
        if (partitions < 1 || partitions > 64) {
            problems.add("--partitions must be between 1 and 64");
        }
        if (!Files.isDirectory(corpus.resolve("hl7v2")) || !Files.isDirectory(corpus.resolve("fhir"))) {
            problems.add("--corpus " + corpus.toAbsolutePath() + " must contain hl7v2/ and fhir/");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new DemoOptions(corpus, partitions, keep);
    }

    private static String value(String[] args, int i, List<String> problems) {
        if (i >= args.length) {
            problems.add(args[i - 1] + " needs a value");
            return "";
        }
        return args[i];
    }
}
