package org.ehrflow.sink.reindex;

import java.io.PrintStream;
import java.sql.SQLException;
import java.util.Locale;
import org.ehrflow.embedding.Embedder;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.embedding.OnnxEmbedder;
import org.ehrflow.sink.SinkCommands;
import org.ehrflow.sink.SinkConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code reindex}: changes the embedding model without downtime (see {@link Reindexer}). Database settings come
 * from {@code EHRFLOW_SINK_*}. Prints counts and model names only.
 * <pre>
 * reindex status
 * reindex start    --model FP32        register the new model, add the shadow columns
 * reindex backfill --model FP32        one pass embedding rows without a current shadow vector
 * reindex switch   --model FP32        embed the last few under the lock and switch readers atomically
 * reindex run      --model FP32        start, backfill until few are missing, switch
 * reindex abort                        drop the shadow columns
 * options: --page N (rows per backfill page, 128), --catch-up N (most rows the switch embeds, 1000),
 *          --passes N (backfill passes of run, 5)
 * </pre>
 */
public final class ReindexCli {

    private ReindexCli() {
    }

    /** The command line as picocli reads it; {@link Args#parse} adds the checks between options. */
    @Command(name = "reindex", mixinStandardHelpOptions = true,
            description = "Change the embedding model without downtime (prints counts and model names only).",
            footer = {"", "COMMAND: status | abort | start | backfill | switch | run (the last four need --model).",
                    "Settings: EHRFLOW_SINK_JDBC_URL, _USER, _PASSWORD[_FILE].",
                    "Exit status: 0 done, 1 PostgreSQL unreachable, 2 usage or settings, 3 the switch is not ready yet."})
    static final class Line {
        @Parameters(index = "0", paramLabel = "COMMAND", arity = "0..1") String command;
        @Option(names = "--model", paramLabel = "INT8|FP32|...") ModelVariant model;
        @Option(names = "--page", paramLabel = "N", defaultValue = "128", description = "rows per backfill page")
        int page;
        @Option(names = "--catch-up", paramLabel = "N", defaultValue = "1000",
                description = "most rows the switch embeds") int catchUp;
        @Option(names = "--passes", paramLabel = "N", defaultValue = "5", description = "backfill passes of run")
        int passes;

        static CommandLine parser(Line line) {
            return new CommandLine(line).setCaseInsensitiveEnumValuesAllowed(true);
        }
    }

    /** Parsed arguments. */
    record Args(String command, ModelVariant model, int page, int catchUp, int passes) {

        static Args parse(String... args) {
            Line l = new Line();
            try {
                Line.parser(l).parseArgs(args);
            } catch (ParameterException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            if (l.command == null) {
                throw new IllegalArgumentException("no command");
            }
            boolean needsModel = switch (l.command) {
                case "status", "abort" -> false;
                case "start", "backfill", "switch", "run" -> true;
                default -> throw new IllegalArgumentException("unknown command " + l.command);
            };
            if (needsModel && l.model == null) {
                throw new IllegalArgumentException(l.command + " needs --model");
            }
            positive("--page", l.page);
            positive("--catch-up", l.catchUp);
            positive("--passes", l.passes);
            return new Args(l.command, l.model, l.page, l.catchUp, l.passes);
        }

        private static void positive(String name, int n) {
            if (n < 1) {
                throw new IllegalArgumentException(name + " must be positive");
            }
        }
    }

    public static void main(String[] argv) throws Exception {
        Args args = SinkCommands.parse("reindex", Line.parser(new Line()), argv, Args::parse);
        if (args == null) {
            return;
        }
        SinkConfig config = SinkCommands.config("reindex", System.getenv());
        Embedder target = args.model() == null ? null
                : OnnxEmbedder.load(args.model(), config.embedThreads(), OnnxEmbedder.defaultMaxBatch(args.model()));
        try {
            System.exit(run(args, new Reindexer(config.jdbcUrl(), config.user(), config.password(), target),
                    System.out));
        } catch (SQLException e) {
            System.err.println(SinkCommands.databaseProblem("reindex", e));
            System.exit(1);
        } finally {
            if (target != null) {
                target.close();
            }
        }
    }

    /** Runs one command; returns the exit status (0 done, 3 the switch is not ready yet). */
    static int run(Args args, Reindexer r, PrintStream out) throws Exception {
        try {
            switch (args.command()) {
                case "status" -> print(out, r.status());
                case "abort" -> {
                    r.abort();
                    print(out, r.status());
                }
                case "start" -> print(out, r.start());
                case "backfill" -> {
                    long n = r.backfill(args.page());
                    out.printf(Locale.ROOT, "backfill wrote %d shadow vectors%n", n);
                    print(out, r.status());
                }
                case "switch" -> print(out, r.switchOver(args.catchUp()));
                case "run" -> print(out, r.run(args.page(), args.catchUp(), args.passes()));
                default -> throw new IllegalStateException(args.command());
            }
            return 0;
        } catch (Reindexer.NotReadyException e) {
            out.println("not switched: " + e.getMessage());
            return 3;
        }
    }

    private static void print(PrintStream out, Reindexer.Progress p) {
        out.printf(Locale.ROOT, "serving %s (%d dims); building %s; %d rows, %d with a current vector of the "
                + "new model%n", p.serving() == null ? "none" : p.serving().name(),
                p.serving() == null ? 0 : p.serving().dimensions(),
                p.building() == null ? "none" : p.building().name() + " (" + p.building().dimensions() + " dims)",
                p.rows(), p.current());
    }

    private static void print(PrintStream out, Reindexer.Switched s) {
        out.printf(Locale.ROOT, "switched readers from %s to %s: %d rows embedded at the switch; sink writes held "
                + "%d ms, readers held %d ms%n", s.from().name(), s.to().name(), s.caughtUp(), s.writesHeldMillis(),
                s.readersHeldMillis());
    }
}
