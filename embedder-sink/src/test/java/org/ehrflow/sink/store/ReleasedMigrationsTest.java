package org.ehrflow.sink.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.flywaydb.core.internal.resolver.ChecksumCalculator;
import org.flywaydb.core.internal.resource.filesystem.FileSystemResource;
import org.junit.jupiter.api.Test;

/**
 * The build's guard that released {@code V__} migrations are never edited: Flyway's checksum of every versioned
 * file must equal the committed list ({@code src/test/resources/db/released-migrations.txt}), and every versioned
 * file must be on it. A database migrated with a file's earlier text would otherwise fail Flyway's validation and
 * never migrate again (what happened to V3; see {@link SupersededChecksums}).
 */
class ReleasedMigrationsTest {

    @Test
    void everyVersionedMigrationIsListedWithTheChecksumItWasReleasedWith() throws Exception {
        Map<String, Integer> released = released();
        Map<String, Integer> now = checksums(folder());
        assertThat(now.keySet()).as("versioned migrations not on the released list (add them when released)")
                .isSubsetOf(released.keySet());
        assertThat(released.keySet()).as("released migrations that disappeared").isSubsetOf(now.keySet());
        released.forEach((file, checksum) -> assertThat(now.get(file))
                .as(file + " was edited after release: revert it and put the change in a new V__ file or in R__")
                .isEqualTo(checksum));
    }

    @Test
    void theSupersededChecksumsAcceptEarlierTextsOfTheCurrentFilesOnly() throws Exception {
        Map<String, Integer> released = released();
        for (SupersededChecksums.Superseded s : SupersededChecksums.KNOWN) {
            String file = released.keySet().stream().filter(f -> f.startsWith("V" + s.version() + "__")).findFirst()
                    .orElseThrow();
            assertThat(s.current()).isEqualTo(released.get(file));
            assertThat(s.earlier()).doesNotContain(s.current());
        }
        // The earlier V3 texts kept for the upgrade test are the ones whose checksums are accepted.
        assertThat(checksums(superseded("7bb1fe1")).values()
                .iterator().next()).isEqualTo(SupersededChecksums.KNOWN.get(0).earlier().get(0));
        assertThat(checksums(superseded("0ea127a")).values()
                .iterator().next()).isEqualTo(SupersededChecksums.KNOWN.get(0).earlier().get(1));
    }

    /** Flyway's own checksum of each {@code V__} file of {@code dir}, by file name. */
    static Map<String, Integer> checksums(Path dir) throws IOException {
        Map<String, Integer> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("V\\d+__.*\\.sql")).toList()) {
                out.put(f.getFileName().toString(), ChecksumCalculator.calculate(
                        new FileSystemResource(null, f.toString(), StandardCharsets.UTF_8, false)));
            }
        }
        return out;
    }

    /** The migrations' source folder (tests run in the module's directory; failsafe sees the packaged jar). */
    static Path folder() {
        return Path.of("src/main/resources/db/migration/embedder-sink");
    }

    /** The earlier released text of V3 as of {@code commit} (kept for the upgrade test). */
    static Path superseded(String commit) {
        return Path.of("src/test/resources/db/superseded", commit);
    }

    static Map<String, Integer> released() throws IOException {
        Map<String, Integer> out = new LinkedHashMap<>();
        try (InputStream in = resource("db/released-migrations.txt").openStream()) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                List<String> parts = List.of(line.trim().split("\\s+"));
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.put(parts.get(0), Integer.parseInt(parts.get(1)));
                }
            }
        }
        return out;
    }

    private static URL resource(String name) {
        return ReleasedMigrationsTest.class.getClassLoader().getResource(name);
    }
}
