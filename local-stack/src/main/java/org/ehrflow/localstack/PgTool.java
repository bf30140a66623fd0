package org.ehrflow.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.sun.security.auth.module.UnixSystem;

/**
 * Runs the PostgreSQL server tools (initdb, pg_ctl). PostgreSQL refuses to run as root, so when this JVM is root
 * the tools run as the {@code postgres} OS user via {@code runuser} and the cluster's files are owned by it.
 */
final class PgTool {

    static final String PG_BIN_ENV = "EHRFLOW_PG_BIN";
    static final String DEFAULT_PG_BIN = "/usr/lib/postgresql/15/bin";
    static final String SERVICE_USER = "postgres";
    private static final String SETUP_HINT = "run scripts/setup.sh (installs postgresql-15 and pgvector)";

    private final Path bin;
    private final boolean asServiceUser;

    private PgTool(Path bin, boolean asServiceUser) {
        this.bin = bin;
        this.asServiceUser = asServiceUser;
    }

    /** Locates the server binaries ({@value #PG_BIN_ENV} or {@value #DEFAULT_PG_BIN}) and checks they run here. */
    static PgTool locate(Map<String, String> env) {
        String configured = env.getOrDefault(PG_BIN_ENV, "");
        Path bin = Path.of(configured.isBlank() ? DEFAULT_PG_BIN : configured);
        for (String tool : List.of("initdb", "pg_ctl", "postgres")) {
            if (!Files.isExecutable(bin.resolve(tool))) {
                throw new IllegalStateException("PostgreSQL server binary " + bin.resolve(tool) + " not found: "
                        + SETUP_HINT + ", or set " + PG_BIN_ENV + " to the directory holding initdb and pg_ctl");
            }
        }
        boolean root = new UnixSystem().getUid() == 0;
        if (root && !Files.isExecutable(Path.of("/usr/sbin/runuser"))
                && !Files.isExecutable(Path.of("/sbin/runuser"))) {
            throw new IllegalStateException("running as root, but runuser (util-linux) is missing: PostgreSQL refuses root");
        }
        return new PgTool(bin, root);
    }

    Path bin() {
        return bin;
    }

    /**
     * Creates a directory the server user owns (mode 0700). Its ancestors must let that user through: ones this
     * call created or that lie under {@code java.io.tmpdir} get {@code o+x} (traverse, not list); any other
     * blocking ancestor is reported rather than changed.
     */
    void prepareDir(Path dir) {
        Path target = dir.toAbsolutePath().normalize();
        try {
            Path firstExisting = target;
            while (firstExisting != null && !Files.exists(firstExisting)) {
                firstExisting = firstExisting.getParent();
            }
            Files.createDirectories(target);
            Files.setPosixFilePermissions(target, Set.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE));
            if (asServiceUser) {
                UserPrincipal service = serviceUser(target);
                Files.setOwner(target, service);
                makeTraversable(target.getParent(), firstExisting, service);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + target + " for the " + SERVICE_USER + " user"
                    + " (does the OS user exist? " + SETUP_HINT + ")", e);
        }
    }

    private static void makeTraversable(Path start, Path firstExisting, UserPrincipal service) throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        for (Path p = start; p != null; p = p.getParent()) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            boolean ownedByService = Files.getOwner(p).equals(service);
            if (perms.contains(PosixFilePermission.OTHERS_EXECUTE)
                    || ownedByService && perms.contains(PosixFilePermission.OWNER_EXECUTE)) {
                continue;
            }
            boolean createdHere = firstExisting == null || !firstExisting.startsWith(p);
            if (createdHere || p.startsWith(tmp) && !p.equals(tmp)) {
                Set<PosixFilePermission> widened = new HashSet<>(perms);
                widened.add(PosixFilePermission.OTHERS_EXECUTE);
                Files.setPosixFilePermissions(p, widened);
            } else {
                throw new IllegalStateException("directory " + p + " is not traversable by the " + SERVICE_USER
                        + " OS user that runs PostgreSQL (this JVM is root): choose a data dir elsewhere"
                        + " or run 'chmod o+x " + p + "'");
            }
        }
    }

    private static UserPrincipal serviceUser(Path anyPath) throws IOException {
        return anyPath.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SERVICE_USER);
    }

    /** Makes a file written by this JVM readable by the server user. */
    void handOver(Path file) throws IOException {
        if (asServiceUser) {
            Files.setOwner(file, serviceUser(file));
        }
    }

    /** Runs {@code tool args...}; returns its combined output, or throws with that output when it fails. */
    String run(Duration timeout, String tool, List<String> args) {
        Result result = execute(timeout, tool, args);
        if (result.exitCode() != 0) {
            throw new PgToolException(tool, result.exitCode(), result.output());
        }
        return result.output();
    }

    /** Runs {@code tool args...} and reports its exit code, for tools whose exit code is the answer (status). */
    int exitCode(Duration timeout, String tool, List<String> args) {
        return execute(timeout, tool, args).exitCode();
    }

    private record Result(int exitCode, String output) {
    }

    private Result execute(Duration timeout, String tool, List<String> args) {
        List<String> command = new ArrayList<>();
        if (asServiceUser) {
            command.addAll(List.of("runuser", "-u", SERVICE_USER, "--"));
        }
        command.add(bin.resolve(tool).toString());
        command.addAll(args);
        try {
            Path output = Files.createTempFile("ehrflow-pg-tool-", ".out");
            try {
                Process process = new ProcessBuilder(command)
                        // the server user may not be able to enter this JVM's working directory
                        .directory(Path.of("/").toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(tool + " did not finish within " + timeout);
                }
                return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + tool, e);
        }
    }

    /** Reads the tail of a server log for an error message (start-up logs carry no query text). */
    static String tail(Path log, int maxChars) {
        try (InputStream in = Files.newInputStream(log)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.length() <= maxChars ? text : text.substring(text.length() - maxChars);
        } catch (IOException e) {
            return "(no server log at " + log + ")";
        }
    }

    /** A server tool exited non-zero. */
    static final class PgToolException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PgToolException(String tool, int exit, String output) {
            super(tool + " failed with exit code " + exit + ":\n" + output.strip());
        }
    }
}
