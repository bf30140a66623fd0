package org.ehrflow.sink.search;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.ehrflow.embedding.Embedder;
import org.ehrflow.embedding.OnnxEmbedder;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.sink.SinkCommands;
import org.ehrflow.sink.SinkConfig;
import org.ehrflow.sink.embed.OpenAiEmbedder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code search}: prints the top chunks of one patient for a question, with provenance. Reads the database and
 * embedder settings from {@code EHRFLOW_SINK_*} (the query must be embedded by the serving model: another is refused).
 * Usage: {@code search (--patient-key pk_... | --mrn-system S --mrn V) [--k 5] question words...} ({@code --help}).
 * It prints chunk text, which is PHI: for an operator's terminal, never for logs.
 */
public final class SearchCli {

    private SearchCli() {
    }

    /** The command line, parsed by picocli; {@link Request#parse} validates what picocli cannot. */
    @Command(name = "search", mixinStandardHelpOptions = true,
            description = "Top chunks of one patient for a question, with provenance (prints PHI: a terminal, "
                    + "never a log).",
            footer = {"", "Settings: EHRFLOW_SINK_JDBC_URL, _USER, _PASSWORD[_FILE] and the model settings.",
                    "Exit status: 0 hits, 1 none, 2 usage or settings, 3 database unreachable."})
    static final class Args {
        @Option(names = "--patient-key", paramLabel = "pk_...") String key;
        @Option(names = "--mrn-system", paramLabel = "SYSTEM") String system;
        @Option(names = "--mrn", paramLabel = "VALUE") String mrn;
        @Option(names = "--k", paramLabel = "N", defaultValue = "5", description = "hits wanted (1-1000)") int k;
        @Parameters(paramLabel = "QUESTION", arity = "0..*") List<String> question = new ArrayList<>();
    }

    public static void main(String[] args) throws Exception {
        Request req = SinkCommands.parse("search", new CommandLine(new Args()), args, Request::parse);
        if (req == null) {
            return;
        }
        SinkConfig config = SinkCommands.config("search", System.getenv());
        try (Embedder embedder = config.httpEmbedder() != null ? new OpenAiEmbedder(config.httpEmbedder())
                : OnnxEmbedder.load(config.modelVariant(), config.embedThreads(), config.embedBatch())) {
            System.exit(run(req, config, embedder, System.out));
        } catch (SQLException e) {
            System.err.println(SinkCommands.databaseProblem("search", e));
            System.exit(3);
        }
    }

    /** Runs one search; returns the exit status (0 hits found, 1 none). */
    public static int run(Request req, SinkConfig config, Embedder embedder, PrintStream out) throws SQLException {
        float[] q = embedder.embedQuery(req.question()); // an asymmetric model (BGE) needs its query instruction
        Properties p = new Properties();
        p.setProperty("user", config.user());
        p.setProperty("password", config.password().value());
        p.setProperty("ApplicationName", "ehrflow-search");
        try (Connection c = DriverManager.getConnection(config.jdbcUrl(), p)) {
            c.setAutoCommit(false);
            ChunkSearch.scopeTo(c, req.patientKey()); // needed when the user is a reader role (RLS)
            List<SearchHit> hits = ChunkSearch.search(c, req.patientKey(), q, req.k(), embedder.modelName());
            c.rollback();
            out.printf(Locale.ROOT, "%d hit(s) for patient %s, model %s%n", hits.size(), req.patientKey(),
                    embedder.modelName());
            int i = 1;
            for (SearchHit h : hits) {
                out.printf(Locale.ROOT, "%d. %.4f  %s  [%s%s]  %s %s %s  %s-%d@%d  event %s%n", i++, h.distance(),
                        h.chunkId(), h.resourceType(), h.section() == null ? "" : " / " + h.section(),
                        h.sourceType(), h.sourceSystem(), h.sourceMessageId(), h.rawTopic(), h.rawPartition(),
                        h.rawOffset(), h.eventTime());
                out.println("   " + h.text().replace("\n", "\n   "));
            }
            return hits.isEmpty() ? 1 : 0;
        }
    }

    /**
     * A parsed command line.
     *
     * @param patientKey the patient searched (derived with {@link PatientKey#of} from an MRN if given so)
     * @param question   the text embedded as the query
     * @param k          hits wanted (1..1000)
     */
    public record Request(String patientKey, String question, int k) {

        public static Request parse(String... args) {
            Args a = new Args();
            try {
                new CommandLine(a).parseArgs(args);
            } catch (ParameterException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            String key = a.key;
            String system = a.system;
            String mrn = a.mrn;
            int k = a.k;
            String question = String.join(" ", a.question);
            if (key == null && system != null && mrn != null) {
                key = PatientKey.of(system, mrn);
            }
            if (key == null || (system == null) != (mrn == null)) {
                throw new IllegalArgumentException("name the patient: --patient-key, or both --mrn-system and --mrn");
            }
            if (!key.matches("pk_[0-9a-f]{32}")) {
                throw new IllegalArgumentException("--patient-key must look like pk_ followed by 32 hex digits");
            }
            if (k < 1 || k > 1000) {
                throw new IllegalArgumentException("--k must be between 1 and 1000");
            }
            if (question.isBlank()) {
                throw new IllegalArgumentException("a question is required");
            }
            return new Request(key, question, k);
        }
    }
}
