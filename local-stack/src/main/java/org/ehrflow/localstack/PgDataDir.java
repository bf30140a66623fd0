package org.ehrflow.localstack;

import static org.ehrflow.localstack.LocalPostgres.HOST;
import static org.ehrflow.localstack.LocalPostgres.SUPERUSER;
import static org.ehrflow.localstack.LocalPostgres.TOOL_TIMEOUT;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.ehrflow.runtime.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The on-disk side of a {@link LocalPostgres} cluster: initdb, stored settings and password, crash leftovers. */
final class PgDataDir {

    private static final Logger LOG = LoggerFactory.getLogger(PgDataDir.class);
    /** Kept inside the data dir so a persistent cluster can be reopened with its generated password. */
    static final String PASSWORD_FILE = "ehrflow-superuser.password";

    private PgDataDir() {
    }

    static boolean isInitialised(Path dataDir) {
        return Files.exists(dataDir.resolve("PG_VERSION"));
    }

    /** Stops servers and removes files of temporary clusters whose JVM died before close(). */
    static void reapAbandoned(PgTool tool, String tempPrefix, String socketPrefix) {
        for (Path root : TempOwnership.abandoned(tempPrefix)) {
            Path data = root.resolve("data");
            if (Files.exists(data.resolve("postmaster.pid"))) {
                LOG.warn("stopping PostgreSQL left running in {} by a JVM that is gone", root);
                tool.exitCode(TOOL_TIMEOUT, "pg_ctl", List.of("stop", "-D", data.toString(), "-m", "immediate", "-w"));
            }
            Dirs.deleteQuietly(root);
        }
        TempOwnership.abandoned(socketPrefix).forEach(Dirs::deleteQuietly);
    }

    /**
     * A persistent cluster may still run from a JVM that was killed: stop it so this start gets a fresh port.
     * One that a live JVM still uses is refused instead of being pulled from under it.
     */
    static void stopLeftover(PgTool tool, Path dataDir) {
        // pg_ctl status: 0 = running, 3 = not running
        if (tool.exitCode(TOOL_TIMEOUT, "pg_ctl", List.of("status", "-D", dataDir.toString())) != 0) {
            return;
        }
        if (TempOwnership.ownerAlive(dataDir)) {
            throw new IllegalStateException("PostgreSQL in " + dataDir + " is in use by another live process (pid in "
                    + dataDir.resolve(TempOwnership.OWNER_FILE) + "): close it first or use another data dir");
        }
        LOG.warn("PostgreSQL in {} was left running by a process that is gone; restarting it", dataDir);
        tool.run(TOOL_TIMEOUT, "pg_ctl", List.of("stop", "-D", dataDir.toString(), "-m", "fast", "-w", "-t", "30"));
    }

    static Secret initialise(PgTool tool, Path dataDir, Path privateDir, boolean temporary) {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        Secret password = new Secret(HexFormat.of().formatHex(random));
        try {
            Path pwFile = privateDir.resolve("initdb.pwfile");
            Files.writeString(pwFile, password.value() + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(pwFile, PosixFilePermissions.fromString("rw-------"));
            tool.handOver(pwFile);
            try {
                List<String> args = new ArrayList<>(List.of("-D", dataDir.toString(), "-U", SUPERUSER,
                        "--pwfile=" + pwFile, "--auth-host=scram-sha-256", "--auth-local=scram-sha-256",
                        "-E", "UTF8", "--no-locale", "--no-instructions"));
                if (temporary) {
                    args.add("--no-sync");
                }
                tool.run(TOOL_TIMEOUT, "initdb", args);
            } finally {
                Files.deleteIfExists(pwFile);
            }
            Path stored = dataDir.resolve(PASSWORD_FILE);
            Files.writeString(stored, password.value(), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(stored, PosixFilePermissions.fromString("rw-------"));
            tool.handOver(stored);
            Files.writeString(dataDir.resolve("postgresql.auto.conf"), settings(temporary), StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot initialise PostgreSQL data dir " + dataDir, e);
        }
        return password;
    }

    /** Cluster-wide settings, written once at initdb so a reopened persistent cluster keeps them. */
    private static String settings(boolean temporary) {
        StringBuilder s = new StringBuilder()
                .append("# written by ehrflow local-stack\n")
                .append("listen_addresses = '").append(HOST).append("'\n")
                // Debezium's pgoutput slot needs logical decoding
                .append("wal_level = logical\n")
                .append("max_replication_slots = 10\n")
                .append("max_wal_senders = 10\n")
                // failing statements would otherwise be logged with their literals (possible PHI)
                .append("log_min_error_statement = panic\n")
                .append("shared_buffers = '64MB'\n");
        if (temporary) {
            // durability is pointless for a throw-away cluster and costs seconds per test
            s.append("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        }
        return s.toString();
    }

    static Secret readPassword(Path dataDir) {
        Path file = dataDir.resolve(PASSWORD_FILE);
        try {
            return new Secret(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new IllegalStateException("data dir " + dataDir + " was not created by LocalPostgres (no "
                    + PASSWORD_FILE + "): use an empty or new directory", e);
        }
    }
}
