package org.ehrflow.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.ehrflow.localstack.Dirs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The two short chaos trials of CI (scripts/chaos.sh runs the long series recorded in RELIABILITY.md): the
 * production topology, each process in its own JVM, under the seeded load. A clean run gives the digest; then a
 * trial with synchronous commit kills the vector store, a sink, the broker and a chunker, and a trial with
 * {@code synchronous_commit=off} kills PostgreSQL, which then loses its last commits. Every invariant must hold.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ChaosIT {

    private static final long LOAD_SEED = 11;

    @Test
    void killedProcessesLoseNothingAcknowledged() throws Exception {
        Path dir = Files.createTempDirectory("ehrflow-chaos-it-");
        try {
            Trial.Result clean = Trial.run(dir.resolve("clean"), plan(0, 0, false, null, Set.of()));
            assertThat(clean.violations()).as("clean run").isEmpty();

            Trial.Result sync = Trial.run(dir.resolve("sync"), plan(1, 2, false, clean.digest(),
                    Set.of("postgresql", "embedder-sink-1", "broker", "chunker-stream-2")));
            assertThat(sync.kills()).hasSize(2);
            assertThat(sync.violations()).as("synchronous commit, %s", sync.kills()).isEmpty();
            assertThat(sync.digest()).isEqualTo(clean.digest());

            Trial.Result async = Trial.run(dir.resolve("async"), plan(2, 1, true, clean.digest(),
                    Set.of("postgresql")));
            assertThat(async.kills()).hasSize(1);
            assertThat(async.violations()).as("asynchronous commit, %s", async.kills()).isEmpty();
            assertThat(async.replayDigest()).isEqualTo(async.fullDigest());
        } finally {
            Dirs.deleteQuietly(dir);
        }
    }

    private static Trial.Plan plan(int number, int kills, boolean async, String expected, Set<String> victims) {
        return new Trial.Plan(number, LOAD_SEED, 100 + number, 1, kills, async, 2, 200, expected, victims, false);
    }
}
