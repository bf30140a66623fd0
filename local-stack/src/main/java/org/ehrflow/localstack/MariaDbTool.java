package org.ehrflow.localstack;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.ehrflow.runtime.Secret;

/**
 * The installed MariaDB server binaries ({@code mariadbd}, {@code mariadb-install-db}; Debian's
 * {@code mariadb-server}, installed by scripts/setup.sh). MariaDB refuses to run as root unless told to, so a root
 * JVM passes {@code --user=root}: the server is a private child process on loopback in a temporary directory.
 */
final class MariaDbTool {

    static final String SETUP_HINT = "run scripts/setup.sh as root (apt-get install mariadb-server)";
    private static final List<String> DIRS = List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin");

    private final Path server;
    private final Path installDb;
    private final boolean asRoot;

    private MariaDbTool(Path server, Path installDb, boolean asRoot) {
        this.server = server;
        this.installDb = installDb;
        this.asRoot = asRoot;
    }

    /** Finds the binaries, failing with what to install when they are missing (never skipped silently). */
    static MariaDbTool locate() {
        Path server = find("mariadbd");
        Path install = find("mariadb-install-db");
        if (server == null || install == null) {
            throw new IllegalStateException("MariaDB is not installed (mariadbd / mariadb-install-db not found in "
                    + DIRS + "): " + SETUP_HINT);
        }
        return new MariaDbTool(server, install, new UnixSystem().getUid() == 0);
    }

    private static Path find(String name) {
        for (String d : DIRS) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Creates the system tables in {@code dataDir} (no test database, root by password only). */
    void install(Path dataDir, Path log) {
        List<String> cmd = new ArrayList<>(List.of(installDb.toString(), "--no-defaults", "--datadir=" + dataDir,
                "--auth-root-authentication-method=normal", "--skip-test-db"));
        if (asRoot) {
            cmd.add("--user=root");
        }
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(LocalPostgres.TOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("mariadb-install-db did not finish in " + LocalPostgres.TOOL_TIMEOUT);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("mariadb-install-db failed (exit " + p.exitValue() + "):\n"
                        + PgTool.tail(log, 2_000));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + installDb, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running mariadb-install-db", e);
        }
    }

    /**
     * The server command: loopback only, row-based binlog with full row images (what CDC needs), GTIDs in
     * strict mode, small buffers, no fsync per commit (a test server).
     */
    List<String> serverCommand(Path root, int port, long serverId, Path initFile) {
        Path data = root.resolve("data");
        List<String> cmd = new ArrayList<>(List.of(server.toString(), "--no-defaults", "--datadir=" + data,
                "--port=" + port, "--bind-address=" + FreePorts.LOOPBACK, "--socket=" + root.resolve("m.sock"),
                "--pid-file=" + root.resolve("mariadbd.pid"), "--log-error=" + root.resolve("server.log"),
                "--skip-name-resolve", "--log-bin=" + data.resolve("binlog"), "--binlog-format=ROW",
                "--binlog-row-image=FULL", "--server-id=" + serverId, "--gtid-strict-mode=1",
                "--log-slave-updates=1", "--innodb-buffer-pool-size=64M", "--innodb-log-file-size=48M",
                "--max-connections=100", "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci",
                "--default-time-zone=+00:00", "--init-file=" + initFile,
                // a throw-away server: durable to the OS, not the disk, as LocalPostgres' temporary fsync=off
                "--innodb-flush-log-at-trx-commit=2", "--sync-binlog=0"));
        if (asRoot) {
            cmd.add("--user=root");
        }
        return cmd;
    }

    /** mysql_native_password's stored form ({@code *HEX(SHA1(SHA1(pw)))}): no plain password in any SQL. */
    static String nativeHash(Secret password) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] once = sha1.digest(password.value().getBytes(StandardCharsets.UTF_8));
            return "*" + HexFormat.of().formatHex(sha1.digest(once)).toUpperCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}
