package org.ehrflow.localstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Marks temporary directories with the owning JVM's pid so that a later start can clean up after a JVM that was
 * killed before {@code close()} ran (a test fork killed on timeout leaves a running postgres behind otherwise).
 */
final class TempOwnership {

    static final String OWNER_FILE = "owner.pid";

    private TempOwnership() {
    }

    /** Creates a temporary directory and records this JVM as its owner. */
    static Path createOwned(String prefix) {
        Path root = Dirs.createTemp(prefix);
        claim(root);
        return root;
    }

    /** Records this JVM as the user of {@code dir}. */
    static void claim(Path dir) {
        try {
            Files.writeString(dir.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()),
                    StandardCharsets.US_ASCII);
        } catch (IOException e) {
            // without the marker the dir is simply never reaped; not worth failing a start for
        }
    }

    /** Whether the process recorded in {@code dir} still runs (true when unknown: the safe answer). */
    static boolean ownerAlive(Path dir) {
        Path owner = dir.resolve(OWNER_FILE);
        return !Files.isRegularFile(owner) || alive(owner);
    }

    /** Temporary directories with {@code prefix} whose owning process is gone; unmarked ones are left alone. */
    static List<Path> abandoned(String prefix) {
        List<Path> result = new ArrayList<>();
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, prefix + "*")) {
            for (Path dir : dirs) {
                Path owner = dir.resolve(OWNER_FILE);
                if (Files.isDirectory(dir) && Files.isRegularFile(owner) && !alive(owner)) {
                    result.add(dir);
                }
            }
        } catch (IOException e) {
            // best effort
        }
        return result;
    }

    private static boolean alive(Path ownerFile) {
        try {
            long pid = Long.parseLong(Files.readString(ownerFile, StandardCharsets.US_ASCII).strip());
            // a reused pid counts as alive: the safe direction
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return true;
        }
    }
}
