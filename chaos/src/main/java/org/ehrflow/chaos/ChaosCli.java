package org.ehrflow.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.ehrflow.localstack.Dirs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scripts/chaos.sh}: runs seeded trials of the production topology under SIGKILLs and appends one row per
 * trial to the report. Each load seed first gets a clean run (no kills), whose digest every trial of that seed must
 * reach. Exit code 0 only when every trial held every invariant.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Kill -9 any process of the pipeline under load; check that nothing acknowledged is lost.")
public final class ChaosCli implements Callable<Integer> {

    @Option(names = "--trials", defaultValue = "2", description = "trials to run (default ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--seed", defaultValue = "1", description = "first load seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--load-seeds", defaultValue = "2",
            description = "distinct load seeds, used in turn; each gets one clean run (default ${DEFAULT-VALUE})")
    int loadSeeds;

    @Option(names = "--scale", defaultValue = "1", description = "load size multiplier (default ${DEFAULT-VALUE})")
    int scale;

    @Option(names = "--kills", defaultValue = "3", description = "kills per trial (default ${DEFAULT-VALUE})")
    int kills;

    @Option(names = "--async-every", defaultValue = "2",
            description = "every Nth trial runs PostgreSQL with synchronous_commit=off (default ${DEFAULT-VALUE})")
    int asyncEvery;

    @Option(names = "--pace-ms", defaultValue = "250", description = "pause between inputs (default ${DEFAULT-VALUE})")
    long paceMillis;

    @Option(names = "--partitions", defaultValue = "2", description = "partitions per topic (default ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--work", defaultValue = "target/chaos", description = "work directory (default ${DEFAULT-VALUE})")
    Path work;

    @Option(names = "--victims", split = ",", description = "processes the monkey may kill (default: all): broker, "
            + "postgresql, hl7-listener, fhir-normalizer-1/2, chunker-stream-1/2, embedder-sink-1/2, cdc-capture")
    Set<String> victims = new HashSet<>();

    @Option(names = "--secure", description = "SASL_SSL broker with per-stage principals and ACLs, secrets in files")
    boolean secure;

    @Option(names = "--report", description = "Markdown file to append one row per trial to (e.g. RELIABILITY.md)")
    Path report;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ChaosCli()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Map<Long, String> clean = new HashMap<>();
        List<Trial.Result> results = new ArrayList<>();
        for (int t = 1; t <= trials; t++) {
            long loadSeed = seed + (t - 1) % Math.max(1, loadSeeds);
            if (!clean.containsKey(loadSeed)) {
                Trial.Result c = Trial.run(dir("clean-" + loadSeed), new Trial.Plan(0, loadSeed, 0, scale, 0, false,
                        partitions, paceMillis, null, Set.of(), secure));
                if (!c.passed()) {
                    System.out.println("clean run of seed " + loadSeed + " failed: " + c.violations());
                    return 1;
                }
                clean.put(loadSeed, c.digest());
                keepOnlyLogs(work.resolve("clean-" + loadSeed));
                System.out.println(ReliabilityReport.row(c));
                append(ReliabilityReport.row(c));
            }
            boolean async = asyncEvery > 0 && t % asyncEvery == 0;
            Trial.Result r = Trial.run(dir("trial-" + t), new Trial.Plan(t, loadSeed, seed * 1000 + t, scale, kills,
                    async, partitions, paceMillis, clean.get(loadSeed), victims, secure));
            results.add(r);
            keepOnlyLogs(work.resolve("trial-" + t));
            System.out.println(ReliabilityReport.row(r));
            append(ReliabilityReport.row(r));
        }
        String summary = ReliabilityReport.summary(results);
        System.out.println(summary);
        append(summary);
        return results.stream().allMatch(Trial.Result::passed) ? 0 : 1;
    }

    private Path dir(String name) throws IOException {
        Path d = work.resolve(name);
        if (Files.exists(d)) {
            Dirs.deleteQuietly(d);
        }
        return Files.createDirectories(d);
    }

    /** A trial's data (database, broker log, Streams state) is large; its process logs are what one reads later. */
    private static void keepOnlyLogs(Path trialDir) {
        for (String data : new String[] {"pg", "kafka", "state"}) {
            Dirs.deleteQuietly(trialDir.resolve(data));
        }
    }

    private void append(String text) throws IOException {
        if (report != null) {
            Files.writeString(report, text + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }
}
