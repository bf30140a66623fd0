package org.ehrflow.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.ehrflow.runtime.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throw-away MariaDB server run from the installed binaries as a child process: a temporary data directory, a
 * free loopback port, the row-based binary log with full row images, a server id and GTIDs, which is what
 * change data capture needs. {@link #close()} shuts it down (bounded) and deletes its files.
 */
public final class LocalMariaDb implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalMariaDb.class);
    private static final String TEMP_PREFIX = "ehrflow-mariadb-";
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,63}");
    private static final long SERVER_ID = 1;
    private static final int START_ATTEMPTS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path root;
    private final Process process;
    private final int port;
    private final Secret password;
    private final Thread shutdownHook;
    private boolean closed;

    private LocalMariaDb(Path root, Process process, int port, Secret password) {
        this.root = root;
        this.process = process;
        this.port = port;
        this.password = password;
        this.shutdownHook = new Thread(this::stop, "local-mariadb-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Installs and starts a server whose files {@link #close()} deletes; fails clearly if MariaDB is missing. */
    public static LocalMariaDb startTemporary() {
        MariaDbTool tool = MariaDbTool.locate();
        reapAbandoned();
        Path root = TempOwnership.createOwned(TEMP_PREFIX);
        try {
            tool.install(root.resolve("data"), root.resolve("install.log"));
            Secret password = randomSecret();
            // root@127.0.0.1 (TCP; 'localhost' means the socket under skip-name-resolve): install-db made it
            // without a password; give it one, by hash only, before the first client can connect.
            Path init = Dirs.writeOwnerOnly(root.resolve("init.sql"), "CREATE OR REPLACE USER 'root'@'"
                    + FreePorts.LOOPBACK + "' IDENTIFIED BY PASSWORD '" + MariaDbTool.nativeHash(password) + "';\n"
                    + "GRANT ALL PRIVILEGES ON *.* TO 'root'@'" + FreePorts.LOOPBACK + "' WITH GRANT OPTION;\n"
                    + "DROP USER IF EXISTS 'root'@'::1';\n");
            return start(tool, root, init, password);
        } catch (RuntimeException e) {
            Dirs.deleteQuietly(root);
            throw e;
        }
    }

    private static LocalMariaDb start(MariaDbTool tool, Path root, Path init, Secret password) {
        Path log = root.resolve("server.log");
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = FreePorts.pick();
            long started = System.nanoTime();
            Process process;
            try {
                process = new ProcessBuilder(tool.serverCommand(root, port, SERVER_ID, init))
                        .redirectErrorStream(true).redirectOutput(root.resolve("stdout.log").toFile()).start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start mariadbd", e);
            }
            LocalMariaDb db = new LocalMariaDb(root, process, port, password);
            try {
                db.awaitReady();
                LOG.info("MariaDB ready on {}:{} in {} ms", FreePorts.LOOPBACK, port,
                        (System.nanoTime() - started) / 1_000_000);
                return db;
            } catch (RuntimeException e) {
                db.stopServer();
                Runtime.getRuntime().removeShutdownHook(db.shutdownHook);
                String serverLog = PgTool.tail(log, 2_000);
                last = new IllegalStateException("MariaDB did not start in " + root + "; server log tail:\n"
                        + serverLog, e);
                if (!serverLog.contains("Address already in use")) {
                    break;
                }
                LOG.warn("MariaDB start attempt {} lost a port race, retrying", attempt);
            }
        }
        throw last;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            try (Connection c = connect("mysql")) {
                return;
            } catch (SQLException e) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("mariadbd exited with " + process.exitValue());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("MariaDB on port " + port + " refuses connections, SQLSTATE "
                            + e.getSQLState(), e);
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for MariaDB", e);
            }
        }
    }

    public String host() {
        return FreePorts.LOOPBACK;
    }

    public int port() {
        return port;
    }

    /** The server's own id ({@code server_id}); a binlog reader must present another. */
    public long serverId() {
        return SERVER_ID;
    }

    /** {@code jdbc:mysql://127.0.0.1:<port>/<database>}, without credentials. */
    public String jdbcUrl(String database) {
        return "jdbc:mysql://" + FreePorts.LOOPBACK + ":" + port + "/" + database + "?sslMode=DISABLED";
    }

    public String superuser() {
        return "root";
    }

    public Secret superuserPassword() {
        return password;
    }

    /** The temporary directory (data, logs) that {@link #close()} deletes. */
    public Path directory() {
        return root;
    }

    /** A connection as root to {@code database} (e.g. {@code mysql}). */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), superuser(), password.value());
    }

    /** Creates {@code name} (utf8mb4) if absent. */
    public void createDatabase(String name) {
        requireName(name);
        execute("CREATE DATABASE IF NOT EXISTS " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    }

    /**
     * Creates a capture user (any host) that may read the binary log and {@code database}: REPLICATION SLAVE and
     * REPLICATION CLIENT (binlog stream and position), RELOAD (the snapshot's short global read lock), SELECT on
     * the database. The password is sent as its hash only.
     */
    public void createCaptureUser(String user, Secret userPassword, String database) {
        requireName(user);
        requireName(database);
        execute("CREATE OR REPLACE USER '" + user + "'@'%' IDENTIFIED BY PASSWORD '"
                + MariaDbTool.nativeHash(userPassword) + "'");
        execute("GRANT REPLICATION SLAVE, REPLICATION CLIENT, RELOAD ON *.* TO '" + user + "'@'%'");
        execute("GRANT SELECT ON " + database + ".* TO '" + user + "'@'%'");
    }

    /** Runs one statement as root (DDL, grants, test data). */
    public void execute(String sql) {
        try (Connection c = connect("mysql"); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("MariaDB statement failed, SQLSTATE " + e.getSQLState() + " (error "
                    + e.getErrorCode() + ")", e);
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs (or ran) stop() itself
        }
        stop();
    }

    private synchronized void stop() {
        if (closed) {
            return;
        }
        closed = true;
        stopServer();
        Dirs.deleteQuietly(root);
        LOG.info("MariaDB on port {} stopped", port);
    }

    /** SIGTERM is mariadbd's normal shutdown; bounded, then killed. */
    private void stopServer() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                LOG.warn("mariadbd did not stop within {} s, killing it", STOP_TIMEOUT.toSeconds());
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Servers left by a JVM that died without closing them: stop the recorded mariadbd, delete the files. */
    private static void reapAbandoned() {
        for (Path dir : TempOwnership.abandoned(TEMP_PREFIX)) {
            readPid(dir.resolve("mariadbd.pid")).flatMap(ProcessHandle::of)
                    .filter(h -> h.info().command().map(c -> c.endsWith("mariadbd")).orElse(false))
                    .ifPresent(h -> {
                        h.destroy();
                        h.onExit().orTimeout(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS).exceptionally(x -> h)
                                .join();
                    });
            Dirs.deleteQuietly(dir);
        }
    }

    private static Optional<Long> readPid(Path file) {
        try {
            return Optional.of(Long.parseLong(Files.readString(file).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void requireName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain MariaDB identifier: " + name);
        }
    }

    private static Secret randomSecret() {
        byte[] b = new byte[16];
        ThreadLocalRandom.current().nextBytes(b);
        return new Secret(HexFormat.of().formatHex(b));
    }
}
