package org.ehrflow.ops.lag;

import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.ehrflow.runtime.ConfigException;
import org.ehrflow.runtime.ConfigReader;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code lag} command: prints every stage's lag per partition, reading Kafka group offsets and the sink's
 * offsets from PostgreSQL. A missing or wrong setting is one line naming it, never a stack trace.
 */
@Command(name = "lag", mixinStandardHelpOptions = true,
        description = "Lag of every stage per partition, in records and seconds.",
        footer = {"",
                "Settings (environment): EHRFLOW_KAFKA_BOOTSTRAP_SERVERS (and EHRFLOW_KAFKA_* client properties),",
                "EHRFLOW_OPS_SINK_JDBC_URL, EHRFLOW_OPS_SINK_USER, EHRFLOW_OPS_SINK_PASSWORD[_FILE]",
                "(without a JDBC URL the sink's lag is not shown).",
                "Exit status: 0 printed, 2 a setting is missing or wrong, 3 Kafka or PostgreSQL unreachable."})
public final class LagCli implements Callable<Integer> {

    static final int BAD_SETTING = 2;
    static final int UNREACHABLE = 3;

    private final Map<String, String> env;

    LagCli(Map<String, String> env) {
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new LagCli(System.getenv())).execute(args));
    }

    @Override
    public Integer call() {
        String url;
        String user;
        Secret password;
        KafkaSettings kafka;
        try {
            ConfigReader cfg = new ConfigReader(env, "EHRFLOW_OPS_");
            url = cfg.string("SINK_JDBC_URL", null);
            user = cfg.string("SINK_USER", "postgres");
            password = cfg.secret("SINK_PASSWORD", "");
            if (url != null && password.value().isEmpty()) {
                cfg.check(false, "EHRFLOW_OPS_SINK_PASSWORD (or _FILE) is required with EHRFLOW_OPS_SINK_JDBC_URL");
            }
            cfg.validate();
            kafka = KafkaSettings.read(env);
        } catch (ConfigException e) {
            System.err.println("lag: " + e.getMessage());
            return BAD_SETTING;
        }
        SinkOffsetReader sink = url == null ? null : new SinkOffsetReader(url, user, password.value());
        try (LagMonitor monitor = new LagMonitor(kafka, sink, Clock.systemUTC())) {
            System.out.print(LagTable.render(monitor.measure(Stage.pipeline())));
            return 0;
        } catch (Exception e) {
            System.err.println("lag: " + reason(e));
            return UNREACHABLE;
        }
    }

    /** One line: what could not be reached and why (SQLSTATE or the client's own words), no stack trace. */
    static String reason(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof SQLException s) {
                return "PostgreSQL (EHRFLOW_OPS_SINK_*): " + s.getMessage() + " [SQLSTATE " + s.getSQLState() + "]";
            }
            if (c instanceof TimeoutException) {
                return "Kafka (EHRFLOW_KAFKA_BOOTSTRAP_SERVERS) did not answer in time";
            }
        }
        Throwable root = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
