package org.ehrflow.ops.dlq;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.ehrflow.runtime.ConfigException;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.LogSafe;
import org.ehrflow.schemas.Topics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code dlq} command. {@code count} and {@code list} print codes and positions only; {@code show} prints
 * one record's original payload only with {@code --payload}; {@code replay} sends selected records back to their
 * source topic and refuses to run without a selection ({@code --reason}, {@code --at} or {@code --all}).
 * A topic is a DLQ topic name or an application id ({@code fhir-normalizer}); the default is every DLQ.
 * Exit status: 0 ok, 1 nothing matched, 2 usage (picocli's own code for a bad command line).
 */
@Command(name = "dlq", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Dead letters of every stage: count, list, show one, replay to the source topic.")
public final class DlqCli implements Callable<Integer> {

    private final KafkaSettings kafka;
    private final PrintStream out;

    @Spec
    private CommandSpec spec;

    private DlqCli(KafkaSettings kafka, PrintStream out) {
        this.kafka = kafka;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        KafkaSettings kafka;
        try {
            kafka = KafkaSettings.read(System.getenv());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(args, kafka, System.out));
    }

    /** Runs one command; returns the exit status (0 ok, 1 nothing matched, 2 usage). */
    public static int run(String[] args, KafkaSettings kafka, PrintStream out) {
        PrintWriter w = new PrintWriter(out, true, StandardCharsets.UTF_8);
        return new CommandLine(new DlqCli(kafka, out)).setOut(w).setErr(w).execute(args);
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "name a command: count, list, show or replay");
    }

    @Command(name = "count", description = "Dead letters per topic and reason code.")
    int count(@Option(names = "--topic", paramLabel = "T", description = "DLQ topic or application id (repeatable)")
            List<String> topics) throws Exception {
        return count(read(topics, null, null), out);
    }

    @Command(name = "list", description = "Positions, reasons and sizes (never payloads or keys).")
    int list(@Option(names = "--topic", paramLabel = "T") List<String> topics,
            @Option(names = "--reason", paramLabel = "R") String reason,
            @Option(names = "--at", paramLabel = "P@O", description = "partition@offset (repeatable)") List<String> at,
            @Option(names = "--limit", paramLabel = "N", defaultValue = "2147483647") int limit) throws Exception {
        return list(read(topics, reason, at).stream().limit(limit).toList(), out);
    }

    @Command(name = "show", description = "One record; its original payload only with --payload (it may hold PHI).")
    int show(@Option(names = "--topic", paramLabel = "T", required = true) String topic,
            @Option(names = "--at", paramLabel = "P@O", required = true) String at,
            @Option(names = "--payload") boolean payload) throws Exception {
        return show(read(List.of(topic), null, List.of(at)), payload, out);
    }

    @Command(name = "replay", description = "Sends the selected records back to their source topic.")
    int replay(@Option(names = "--topic", paramLabel = "T", required = true) String topic,
            @Option(names = "--reason", paramLabel = "R") String reason,
            @Option(names = "--at", paramLabel = "P@O") List<String> at,
            @Option(names = "--all", description = "every record of the topic") boolean all,
            @Option(names = "--dry-run") boolean dryRun) throws Exception {
        if (reason == null && (at == null || at.isEmpty()) && !all) {
            throw new ParameterException(spec.commandLine().getSubcommands().get("replay"),
                    "replay needs --reason, --at or --all");
        }
        return replay(read(List.of(topic), reason, at), dryRun, kafka, out);
    }

    private List<DlqEntry> read(List<String> topics, String reason, List<String> at) throws Exception {
        List<String> names = topics == null || topics.isEmpty() ? DlqScanner.pipelineDlqTopics()
                : topics.stream().map(DlqCli::topic).toList();
        try (DlqScanner scanner = new DlqScanner(kafka)) {
            return new DlqSelection(reason, at == null ? new HashSet<>() : new HashSet<>(at))
                    .filter(scanner.readAll(names));
        }
    }

    private static String topic(String t) {
        return t.startsWith("ehr.dlq.") ? t : Topics.dlq(t).name();
    }

    private static int count(List<DlqEntry> entries, PrintStream out) {
        Map<String, Long> counts = new TreeMap<>();
        entries.forEach(e -> counts.merge(e.topic() + "\t" + e.reason(), 1L, Long::sum));
        out.printf(Locale.ROOT, "%-34s %-32s %8s%n", "TOPIC", "REASON", "COUNT");
        counts.forEach((k, n) -> {
            String[] tr = k.split("\t");
            out.printf(Locale.ROOT, "%-34s %-32s %8d%n", tr[0], tr[1], n);
        });
        return 0;
    }

    private static int list(List<DlqEntry> entries, PrintStream out) {
        out.printf(Locale.ROOT, "%-40s %-28s %-16s %-24s %-36s %-20s %8s%n", "POSITION", "REASON", "STAGE", "ERROR",
                "SOURCE", "KEY_HASH", "BYTES");
        for (DlqEntry e : entries) {
            var dl = e.deadLetter();
            out.printf(Locale.ROOT, "%-40s %-28s %-16s %-24s %-36s %-20s %8d%n", e.position(), e.reason(),
                    dl == null ? "?" : dl.stage(), dl == null || dl.errorClass() == null ? "-" : dl.errorClass(),
                    e.source(), e.key() == null ? "-" : LogSafe.hash(e.key()), dl == null ? -1 : dl.original().length);
        }
        return entries.isEmpty() ? 1 : 0;
    }

    private static int show(List<DlqEntry> entries, boolean payload, PrintStream out) {
        if (entries.size() != 1) {
            out.println(entries.size() + " records match; show needs exactly one (--topic T --at P@O)");
            return 1;
        }
        DlqEntry e = entries.get(0);
        list(entries, out);
        if (e.deadLetter() != null) {
            out.println("source message id: " + e.deadLetter().sourceMessageId());
            out.println("failed at: " + e.deadLetter().failedAt());
        }
        if (!payload) {
            out.println("(payload not shown: it may contain PHI; add --payload to print it)");
        } else if (e.deadLetter() != null) {
            out.println("----- payload (" + e.deadLetter().original().length + " bytes) -----");
            out.println(new String(e.deadLetter().original(), StandardCharsets.UTF_8));
        }
        return 0;
    }

    private static int replay(List<DlqEntry> entries, boolean dryRun, KafkaSettings kafka, PrintStream out)
            throws Exception {
        List<DlqEntry> replayable = entries.stream().filter(e -> DlqReplayer.target(e) != null).toList();
        int skipped = entries.size() - replayable.size();
        for (DlqEntry e : replayable) {
            out.println((dryRun ? "would replay " : "replay ") + e.position() + " " + e.reason() + " -> "
                    + DlqReplayer.target(e));
        }
        int sent = 0;
        if (!dryRun) {
            try (DlqReplayer replayer = new DlqReplayer(kafka)) {
                sent = replayer.replay(replayable);
            }
        }
        out.println((dryRun ? "dry run: " : "") + "replayed " + sent + ", not replayable " + skipped);
        return replayable.isEmpty() ? 1 : 0;
    }
}
