package org.ehrflow.api.audit;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ehrflow.api.store.ConnectionFactory;
import org.ehrflow.runtime.ConfigReader;
import org.ehrflow.runtime.Secret;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code audit}: checks the audit chain ({@code verify}, as the auditor role) and applies retention ({@code prune},
 * as the owner). Settings from {@code EHRFLOW_API_JDBC_URL}, {@code EHRFLOW_API_AUDIT_KEY} and the login of the
 * subcommand ({@code EHRFLOW_API_AUDITOR_USER}/{@code _PASSWORD}, {@code EHRFLOW_API_MIGRATE_USER}/{@code _PASSWORD}).
 * Exit 0 when the chain is intact, 1 when tampering was found, 2 on a usage or configuration error.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, subcommands = {AuditCli.Verify.class, AuditCli.Prune.class},
        description = "Verify or prune the retrieval API's audit trail.")
public final class AuditCli implements Callable<Integer> {

    private final Map<String, String> env;

    AuditCli(Map<String, String> env) {
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(run(System.getenv(), new PrintWriter(System.out, true, StandardCharsets.UTF_8), args));
    }

    /** Runs the command line with {@code env} as the environment; returns the exit code. */
    public static int run(Map<String, String> env, PrintWriter out, String... args) {
        CommandLine cl = new CommandLine(new AuditCli(env));
        cl.setOut(out);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("audit: " + e.getMessage());
            return 2;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.err);
        return 2;
    }

    Settings settings(String userKey, String passwordKey) {
        ConfigReader r = new ConfigReader(env, "EHRFLOW_API_");
        String url = r.requiredString("JDBC_URL");
        String user = r.requiredString(userKey);
        Secret password = r.secret(passwordKey, "");
        Secret key = r.secret("AUDIT_KEY", "");
        r.check(key.value().length() >= 32, r.key("AUDIT_KEY") + " is required (at least 32 bytes)");
        r.validate();
        return new Settings(ConnectionFactory.of(url, user, password, "ehrflow-audit-cli"),
                new AuditChain(key.value().getBytes(StandardCharsets.UTF_8)));
    }

    Duration retention() {
        ConfigReader r = new ConfigReader(env, "EHRFLOW_API_");
        Duration d = r.duration("AUDIT_RETENTION", Duration.ofDays(6 * 365), Duration.ofDays(1),
                Duration.ofDays(100 * 365));
        r.validate();
        return d;
    }

    record Settings(ConnectionFactory connections, AuditChain chain) {
    }

    /** Recomputes the chain; prints every problem found (sequence number and kind). */
    @Command(name = "verify", description = "Recompute the hash chain; exit 1 if a record was edited or deleted.")
    static final class Verify implements Callable<Integer> {
        @CommandLine.ParentCommand
        private AuditCli parent;
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws SQLException {
            Settings s = parent.settings("AUDITOR_USER", "AUDITOR_PASSWORD");
            try (Connection c = s.connections().open()) {
                AuditVerifier.Result r = new AuditVerifier(s.chain()).verify(c);
                PrintWriter out = spec.commandLine().getOut();
                out.printf("%d record(s), seq %d..%d: %s%n", r.records(), r.firstSeq(), r.lastSeq(),
                        r.ok() ? "chain intact" : r.problems().size() + " problem(s)");
                r.problems().forEach(p -> out.printf("  seq %d: %s%n", p.seq(), p.kind()));
                return r.ok() ? 0 : 1;
            }
        }
    }

    /**
     * Removes records older than the retention as a prefix of the chain and records where the chain now starts
     * (an anchor with the last removed hash), so {@code verify} still checks every remaining link.
     */
    @Command(name = "prune", description = "Delete records older than --older-than (owner login).")
    static final class Prune implements Callable<Integer> {
        @CommandLine.ParentCommand
        private AuditCli parent;
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;
        @Option(names = "--older-than", description = "ISO-8601 duration, e.g. P2190D; default "
                + "EHRFLOW_API_AUDIT_RETENTION (P2190D: six years)")
        private Duration olderThan;

        @Override
        public Integer call() throws SQLException {
            Settings s = parent.settings("MIGRATE_USER", "MIGRATE_PASSWORD");
            Duration keep = olderThan != null ? olderThan : parent.retention();
            Instant cutoff = Instant.now().minus(keep);
            try (Connection c = s.connections().open()) {
                c.setAutoCommit(false);
                long removed = prune(c, cutoff);
                c.commit();
                spec.commandLine().getOut().printf("%d record(s) older than %s removed%n", removed, cutoff);
                return 0;
            }
        }

        static long prune(Connection c, Instant cutoff) throws SQLException {
            // the head lock makes writers wait, so the prefix cannot grow while it is cut
            try (PreparedStatement lock = c.prepareStatement("SELECT 1 FROM ehrflow_audit.audit_head FOR UPDATE")) {
                lock.executeQuery().close();
            }
            long last;
            String hash;
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT seq, hash FROM ehrflow_audit.audit_record
                    WHERE seq < coalesce((SELECT min(seq) FROM ehrflow_audit.audit_record WHERE recorded_at >= ?),
                                         9223372036854775807)
                    ORDER BY seq DESC LIMIT 1""")) {
                ps.setObject(1, cutoff.atOffset(ZoneOffset.UTC));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return 0;
                    }
                    last = rs.getLong(1);
                    hash = rs.getString(2);
                }
            }
            try (PreparedStatement a = c.prepareStatement(
                    "INSERT INTO ehrflow_audit.audit_anchor (seq, hash) VALUES (?, ?)");
                    PreparedStatement d = c.prepareStatement("DELETE FROM ehrflow_audit.audit_record WHERE seq <= ?")) {
                a.setLong(1, last);
                a.setString(2, hash);
                a.executeUpdate();
                d.setLong(1, last);
                return d.executeUpdate();
            }
        }
    }
}
