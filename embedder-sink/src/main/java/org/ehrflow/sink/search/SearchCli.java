package org.ehrflow.sink.search;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.ehrflow.embedding.Embedder;
import org.ehrflow.embedding.OnnxEmbedder;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.sink.SinkConfig;
import org.ehrflow.sink.embed.OpenAiEmbedder;

/**
 * {@code search}: prints the top chunks of one patient for a question, with provenance. Reads the database and
 * embedder settings from {@code EHRFLOW_SINK_*} (the query must be embedded by the serving model: another is refused).
 * Usage: {@code SearchCli (--patient-key pk_... | --mrn-system S --mrn V) [--k 5] question words...}.
 * It prints chunk text, which is PHI: for an operator's terminal, never for logs.
 */
public final class SearchCli {

    static final String USAGE = "usage: search (--patient-key pk_... | --mrn-system SYSTEM --mrn VALUE) [--k N] "
            + "QUESTION...";

    private SearchCli() {
    }

    public static void main(String[] args) throws Exception {
        Request req;
        try {
            req = Request.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(64);
            return;
        }
        SinkConfig config = SinkConfig.fromEnv(System.getenv());
        try (Embedder embedder = config.httpEmbedder() != null ? new OpenAiEmbedder(config.httpEmbedder())
                : OnnxEmbedder.load(config.modelVariant(), config.embedThreads(), config.embedBatch())) {
            System.exit(run(req, config, embedder, System.out));
        }
    }

    /** Runs one search; returns the exit status (0 hits found, 1 none). */
    public static int run(Request req, SinkConfig config, Embedder embedder, PrintStream out) throws SQLException {
        float[] q = embedder.embed(List.of(req.question())).get(0);
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
            String key = null;
            String system = null;
            String mrn = null;
            int k = 5;
            StringBuilder question = new StringBuilder();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--patient-key" -> key = value(args, ++i, a);
                    case "--mrn-system" -> system = value(args, ++i, a);
                    case "--mrn" -> mrn = value(args, ++i, a);
                    case "--k" -> {
                        try {
                            k = Integer.parseInt(value(args, ++i, a));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--k must be a number");
                        }
                    }
                    default -> {
                        if (a.startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + a);
                        }
                        question.append(question.length() == 0 ? "" : " ").append(a);
                    }
                }
            }
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
            if (question.toString().isBlank()) {
                throw new IllegalArgumentException("a question is required");
            }
            return new Request(key, question.toString(), k);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }
    }
}
