package org.ehrflow.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.ehrflow.runtime.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL cluster run from the installed server binaries in a project-owned data directory, on a free
 * loopback port, with logical replication enabled and pgvector available.
 */
public final class LocalPostgres implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);
    static final String SUPERUSER = "postgres";
    static final String HOST = FreePorts.LOOPBACK;
    private static final String LOG_FILE = "postgres.log";
    private static final String TEMP_PREFIX = "ehrflow-pg-";
    private static final String SOCKET_PREFIX = "ehrflow-pgsock-";
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3;

    private final PgTool tool;
    private final Path dataDir;
    private final Path socketDir;
    /** The temporary root deleted on close, or null for a persistent cluster. */
    private final Path temporaryRoot;
    private final int port;
    private final Secret password;
    private final Thread shutdownHook;
    private boolean closed;

    private LocalPostgres(PgTool tool, Path dataDir, Path socketDir, Path temporaryRoot, int port, Secret password) {
        this.tool = tool;
        this.dataDir = dataDir;
        this.socketDir = socketDir;
        this.temporaryRoot = temporaryRoot;
        this.port = port;
        this.password = password;
        this.shutdownHook = new Thread(this::stop, "local-postgres-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a throw-away cluster (fsync off) whose files {@link #close()} deletes. */
    public static LocalPostgres startTemporary() {
        PgTool tool = PgTool.locate(System.getenv());
        PgDataDir.reapAbandoned(tool, TEMP_PREFIX, SOCKET_PREFIX);
        Path root = TempOwnership.createOwned(TEMP_PREFIX);
        try {
            Path dataDir = root.resolve("data");
            Path socketDir = root.resolve("sock");
            tool.prepareDir(root);
            tool.prepareDir(socketDir);
            Secret password = PgDataDir.initialise(tool, dataDir, socketDir, true);
            return startServer(tool, dataDir, socketDir, root, password);
        } catch (RuntimeException e) {
            Dirs.deleteQuietly(root);
            throw e;
        }
    }

    /** Starts a durable cluster in {@code dataDir}, initialising it on first use and reusing it afterwards. */
    public static LocalPostgres start(Path dataDir) {
        Objects.requireNonNull(dataDir, "dataDir");
        PgTool tool = PgTool.locate(System.getenv());
        Path dir = dataDir.toAbsolutePath().normalize();
        PgDataDir.reapAbandoned(tool, TEMP_PREFIX, SOCKET_PREFIX);
        // a short private socket dir: unix socket paths are limited to ~107 bytes
        Path socketDir = TempOwnership.createOwned(SOCKET_PREFIX);
        try {
            tool.prepareDir(socketDir);
            Secret password;
            if (PgDataDir.isInitialised(dir)) {
                password = PgDataDir.readPassword(dir);
                PgDataDir.stopLeftover(tool, dir);
            } else {
                tool.prepareDir(dir);
                password = PgDataDir.initialise(tool, dir, socketDir, false);
            }
            TempOwnership.claim(dir);
            return startServer(tool, dir, socketDir, null, password);
        } catch (RuntimeException e) {
            Dirs.deleteQuietly(socketDir);
            throw e;
        }
    }

    private static LocalPostgres startServer(PgTool tool, Path dataDir, Path socketDir, Path temporaryRoot,
                                             Secret password) {
        Path log = dataDir.resolve(LOG_FILE);
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = FreePorts.pick();
            long started = System.nanoTime();
            try {
                // port and socket dir change per start, so they are options rather than stored settings
                tool.run(TOOL_TIMEOUT, "pg_ctl", List.of("start", "-D", dataDir.toString(), "-l", log.toString(),
                        "-w", "-t", "30", "-o", "-p " + port + " -k " + socketDir));
                LocalPostgres pg = new LocalPostgres(tool, dataDir, socketDir, temporaryRoot, port, password);
                try {
                    pg.awaitConnection();
                    pg.requireVector();
                } catch (RuntimeException e) {
                    pg.close();
                    throw e;
                }
                LOG.info("PostgreSQL ready on {}:{} in {} ms", HOST, port, (System.nanoTime() - started) / 1_000_000);
                return pg;
            } catch (PgTool.PgToolException e) {
                String serverLog = PgTool.tail(log, 2_000);
                last = new IllegalStateException("PostgreSQL did not start from " + dataDir + "; server log tail:\n"
                        + serverLog, e);
                if (!serverLog.contains("could not bind") && !serverLog.contains("Address already in use")) {
                    break;
                }
                LOG.warn("PostgreSQL start attempt {} lost a port race, retrying", attempt);
            }
        }
        throw last;
    }

    private void awaitConnection() {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try (Connection c = connect("postgres")) {
                return;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("PostgreSQL on port " + port + " refuses connections, SQLSTATE "
                            + e.getSQLState(), e);
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for PostgreSQL", e);
            }
        }
    }

    /** Fails with a clear message when the pgvector extension is not installed for these server binaries. */
    public void requireVector() {
        try (Connection c = connect("postgres");
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")) {
            if (!rs.next()) {
                throw new IllegalStateException("the pgvector extension ('vector') is not installed for the PostgreSQL"
                        + " binaries in " + tool.bin()
                                + ": run scripts/setup.sh as root (builds and installs pgvector)");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot query pg_available_extensions, SQLSTATE " + e.getSQLState(), e);
        }
    }

    /** Always {@code 127.0.0.1}: the cluster listens on loopback only. */
    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>}, without credentials. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
    }

    public String superuser() {
        return SUPERUSER;
    }

    public Secret superuserPassword() {
        return password;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Opens a superuser connection to {@code database}. */
    public Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", SUPERUSER);
        props.setProperty("password", password.value());
        props.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    /** Creates {@code name} (lower-case identifier) unless it exists; idempotent for a reused data dir. */
    public void createDatabase(String name) {
        if (name == null || !DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("database name must match " + DATABASE_NAME.pattern() + ": " + name);
        }
        try (Connection c = connect("postgres");
             PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, name);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement create = c.createStatement()) {
                // the name is validated above: identifiers cannot be bound as parameters
                create.execute("CREATE DATABASE \"" + name + "\"");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ", SQLSTATE " + e.getSQLState(), e);
        }
    }

    /**
     * Requires TLS from every TCP client from now on: a self-signed certificate for 127.0.0.1/localhost (made with
     * {@code openssl}), {@code ssl=on}, and a {@code pg_hba.conf} that accepts {@code hostssl} only (password
     * authentication with SCRAM, as before) and rejects every plain TCP connection. Returns the certificate a
     * client verifies the server with ({@code sslmode=verify-full&sslrootcert=...}).
     */
    public synchronized Path requireTls() {
        Path key = dataDir.resolve("server.key");
        Path cert = dataDir.resolve("server.crt");
        try {
            Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext",
                    "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key.toString(), "-out", cert.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("openssl could not make a server certificate");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a certificate for PostgreSQL in " + dataDir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return requireTls(cert, key);
    }

    /**
     * As {@link #requireTls()}, with a key pair made elsewhere (a deployment's, to check it works with this server):
     * both files are copied into the data directory. Returns the server certificate's copy for clients.
     */
    public synchronized Path requireTls(Path certificate, Path privateKey) {
        Path key = dataDir.resolve("server.key");
        Path cert = dataDir.resolve("server.crt");
        Path clientCopy = (temporaryRoot != null ? temporaryRoot : socketDir).resolve("root.crt");
        try {
            if (!certificate.equals(cert)) {
                Files.copy(certificate, cert, StandardCopyOption.REPLACE_EXISTING);
                Files.copy(privateKey, key, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            tool.handOver(key);
            tool.handOver(cert);
            Files.copy(cert, clientCopy, StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(dataDir.resolve("pg_hba.conf"), String.join("\n",
                    "# written by ehrflow local-stack: TLS or nothing over TCP",
                    "local   all          all                 scram-sha-256",
                    "local   replication  all                 scram-sha-256",
                    "hostssl all          all   127.0.0.1/32  scram-sha-256",
                    "hostssl replication  all   127.0.0.1/32  scram-sha-256",
                    "hostnossl all        all   0.0.0.0/0     reject",
                    "hostnossl replication all  0.0.0.0/0     reject", ""), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot set up TLS for PostgreSQL in " + dataDir, e);
        }
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            st.execute("ALTER SYSTEM SET ssl = on");
            st.execute("ALTER SYSTEM SET ssl_min_protocol_version = 'TLSv1.2'");
            st.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot enable TLS, SQLSTATE " + e.getSQLState(), e);
        }
        return clientCopy;
    }

    /**
     * Fault injection: stops the server the way a crash does ({@code pg_ctl stop -m immediate}: every process quits
     * at once, no checkpoint, crash recovery on the next start). Clients see their connections drop mid-stream.
     */
    public synchronized void crash() {
        tool.run(TOOL_TIMEOUT, "pg_ctl", List.of("stop", "-D", dataDir.toString(), "-m", "immediate", "-w", "-t",
                "30"));
        LOG.info("PostgreSQL on port {} crashed on purpose", port);
    }

    /**
     * Fault injection: SIGKILL to the postmaster and every server process at once, as the kernel's OOM killer or a
     * lost host would do. Unlike {@link #crash()} nothing runs on the server side afterwards: with
     * {@code synchronous_commit=off} the commits whose WAL was not yet written are gone.
     */
    public synchronized void kill9() {
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("no running postmaster in " + dataDir, e);
        }
        ProcessHandle postmaster = ProcessHandle.of(pid)
                .orElseThrow(() -> new IllegalStateException("postmaster " + pid + " is not running"));
        List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
        all.add(0, postmaster);
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : all) {
            h.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        }
        LOG.info("PostgreSQL on port {} killed with SIGKILL ({} processes)", port, all.size());
    }

    /** Starts the server again after {@link #crash()} on the same port and socket directory (crash recovery). */
    public synchronized void restartAfterCrash() {
        tool.run(TOOL_TIMEOUT, "pg_ctl", List.of("start", "-D", dataDir.toString(), "-l",
                dataDir.resolve(LOG_FILE).toString(), "-w", "-t", "60", "-o", "-p " + port + " -k " + socketDir));
        awaitConnection();
        LOG.info("PostgreSQL on port {} running again", port);
    }

    /** Stops the server ({@code pg_ctl stop -m fast}) and deletes a temporary cluster's files. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs (or ran) stop() itself
        }
    }

    private synchronized void stop() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            tool.run(TOOL_TIMEOUT, "pg_ctl", List.of("stop", "-D", dataDir.toString(), "-m", "fast", "-w", "-t", "30"));
            LOG.info("PostgreSQL on port {} stopped", port);
        } catch (RuntimeException e) {
            LOG.warn("PostgreSQL on port {} did not stop cleanly: {}", port, e.getClass().getName());
        }
        if (temporaryRoot != null) {
            Dirs.deleteQuietly(temporaryRoot);
        } else {
            Dirs.deleteQuietly(socketDir);
        }
    }
}
