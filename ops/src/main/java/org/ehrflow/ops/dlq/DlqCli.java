package org.ehrflow.ops.dlq;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.LogSafe;
import org.ehrflow.schemas.Topics;

/**
 * The {@code dlq} command. {@code count} and {@code list} print codes and positions only; {@code show} prints
 * one record's original payload only with {@code --payload}; {@code replay} sends selected records back to their
 * source topic and refuses to run without a selection ({@code --reason}, {@code --at} or {@code --all}).
 *
 * <pre>
 * dlq count  [--topic T]...
 * dlq list   [--topic T]... [--reason R] [--at P@O]... [--limit N]
 * dlq show   --topic T --at P@O [--payload]
 * dlq replay --topic T (--reason R | --at P@O... | --all) [--dry-run]
 * </pre>
 * A topic is a DLQ topic name or an application id ({@code fhir-normalizer}); the default is every DLQ.
 */
public final class DlqCli {

    private DlqCli() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, KafkaSettings.read(System.getenv()), System.out));
    }

    /** Runs one command; returns the exit status (0 ok, 1 nothing matched, 2 usage). */
    public static int run(String[] args, KafkaSettings kafka, PrintStream out) throws Exception {
        Args a;
        try {
            a = Args.parse(args);
        } catch (IllegalArgumentException e) {
            out.println("usage error: " + e.getMessage());
            return 2;
        }
        try (DlqScanner scanner = new DlqScanner(kafka)) {
            List<DlqEntry> entries = a.selection.filter(scanner.readAll(a.topics));
            return switch (a.command) {
                case "count" -> count(entries, out);
                case "list" -> list(entries.stream().limit(a.limit).toList(), out);
                case "show" -> show(entries, a.payload, out);
                case "replay" -> replay(entries, a.dryRun, kafka, out);
                default -> throw new IllegalStateException(a.command);
            };
        }
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

    /** Parsed command line. */
    private record Args(String command, List<String> topics, DlqSelection selection, int limit, boolean payload,
            boolean dryRun) {

        static Args parse(String[] args) {
            if (args.length == 0 || !Set.of("count", "list", "show", "replay").contains(args[0])) {
                throw new IllegalArgumentException("first argument must be count, list, show or replay");
            }
            List<String> topics = new ArrayList<>();
            Set<String> at = new HashSet<>();
            String reason = null;
            int limit = Integer.MAX_VALUE;
            boolean payload = false;
            boolean dryRun = false;
            boolean all = false;
            for (int i = 1; i < args.length; i++) {
                switch (args[i]) {
                    case "--topic" -> topics.add(topic(value(args, ++i)));
                    case "--reason" -> reason = value(args, ++i);
                    case "--at" -> at.add(value(args, ++i));
                    case "--limit" -> limit = Integer.parseInt(value(args, ++i));
                    case "--payload" -> payload = true;
                    case "--dry-run" -> dryRun = true;
                    case "--all" -> all = true;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            String cmd = args[0];
            if ((cmd.equals("show") || cmd.equals("replay")) && topics.size() != 1) {
                throw new IllegalArgumentException(cmd + " needs exactly one --topic");
            }
            if (cmd.equals("show") && at.size() != 1) {
                throw new IllegalArgumentException("show needs exactly one --at P@O");
            }
            if (cmd.equals("replay") && reason == null && at.isEmpty() && !all) {
                throw new IllegalArgumentException("replay needs --reason, --at or --all");
            }
            if (payload && !cmd.equals("show")) {
                throw new IllegalArgumentException("--payload is only for show");
            }
            return new Args(cmd, topics.isEmpty() ? DlqScanner.pipelineDlqTopics() : topics,
                    new DlqSelection(reason, at), limit, payload, dryRun);
        }

        private static String value(String[] args, int i) {
            if (i >= args.length) {
                throw new IllegalArgumentException(args[i - 1] + " needs a value");
            }
            return args[i];
        }

        private static String topic(String t) {
            return t.startsWith("ehr.dlq.") ? t : Topics.dlq(t).name();
        }
    }
}
