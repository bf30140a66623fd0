package org.ehrflow.sink.reindex;

import java.io.PrintStream;
import java.util.Locale;
import org.ehrflow.embedding.Embedder;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.embedding.OnnxEmbedder;
import org.ehrflow.sink.SinkConfig;

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

    static final String USAGE = "usage: reindex (status | abort | (start | backfill | switch | run) --model "
            + "INT8|FP32) [--page N] [--catch-up N] [--passes N]";

    private ReindexCli() {
    }

    /** Parsed arguments. */
    record Args(String command, ModelVariant model, int page, int catchUp, int passes) {

        static Args parse(String... args) {
            if (args.length == 0) {
                throw new IllegalArgumentException("no command");
            }
            String command = args[0];
            ModelVariant model = null;
            int page = 128;
            int catchUp = 1000;
            int passes = 5;
            for (int i = 1; i < args.length; i++) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + args[i] + " needs a value");
                }
                String v = args[++i];
                switch (args[i - 1]) {
                    case "--model" -> model = ModelVariant.valueOf(v.toUpperCase(Locale.ROOT));
                    case "--page" -> page = positive("--page", v);
                    case "--catch-up" -> catchUp = positive("--catch-up", v);
                    case "--passes" -> passes = positive("--passes", v);
                    default -> throw new IllegalArgumentException("unknown option " + args[i - 1]);
                }
            }
            boolean needsModel = switch (command) {
                case "status", "abort" -> false;
                case "start", "backfill", "switch", "run" -> true;
                default -> throw new IllegalArgumentException("unknown command " + command);
            };
            if (needsModel && model == null) {
                throw new IllegalArgumentException(command + " needs --model");
            }
            return new Args(command, model, page, catchUp, passes);
        }

        private static int positive(String name, String v) {
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return n;
        }
    }

    public static void main(String[] argv) throws Exception {
        Args args;
        try {
            args = Args.parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(64);
            return;
        }
        SinkConfig config = SinkConfig.fromEnv(System.getenv());
        Embedder target = args.model() == null ? null
                : OnnxEmbedder.load(args.model(), config.embedThreads(), OnnxEmbedder.defaultMaxBatch(args.model()));
        try {
            System.exit(run(args, new Reindexer(config.jdbcUrl(), config.user(), config.password(), target),
                    System.out));
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
