package org.ehrflow.sink;

import java.sql.SQLException;
import java.util.Map;
import java.util.function.Function;
import org.ehrflow.runtime.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * What the sink's command-line tools ({@code search}, {@code reindex}) share: picocli parsing with {@code --help},
 * the {@code EHRFLOW_SINK_*} settings, and their failures as one line each (exit 2), never a stack trace.
 */
public final class SinkCommands {

    /** Usage or settings wrong. */
    public static final int USAGE = 2;

    private SinkCommands() {
    }

    /**
     * Parses {@code argv} with {@code cl}, then {@code validate} (checks picocli cannot make); prints the usage and
     * returns null for {@code --help}, or prints the problem and the usage and exits {@link #USAGE}.
     */
    public static <T> T parse(String name, CommandLine cl, String[] argv, Function<String[], T> validate) {
        try {
            cl.parseArgs(argv);
            if (cl.isUsageHelpRequested() || cl.isVersionHelpRequested()) {
                cl.usage(System.out);
                return null;
            }
            return validate.apply(argv);
        } catch (IllegalArgumentException | ParameterException e) {
            System.err.println(name + ": " + e.getMessage());
            cl.usage(System.err);
            System.exit(USAGE);
            return null;
        }
    }

    /** The sink's settings from {@code env}, or every problem printed and exit {@link #USAGE}. */
    public static SinkConfig config(String name, Map<String, String> env) {
        try {
            return SinkConfig.fromEnv(env);
        } catch (ConfigException e) {
            System.err.println(name + ": " + e.getMessage());
            System.exit(USAGE);
            return null;
        }
    }

    /** The one line a database failure prints: which settings, the driver's words and the SQLSTATE. */
    public static String databaseProblem(String name, SQLException e) {
        return name + ": PostgreSQL (EHRFLOW_SINK_*): " + e.getMessage() + " [SQLSTATE " + e.getSQLState() + "]";
    }
}
