package org.ehrflow.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills a random victim with SIGKILL at random moments (seeded) and starts it again after a random delay, one at a
 * time, while the load runs. Records how long each victim took to serve again.
 */
final class Monkey {

    private static final Logger LOG = LoggerFactory.getLogger(Monkey.class);
    private static final Duration RECOVERY_LIMIT = Duration.ofMinutes(3);

    /** One kill: what, when (ms after the load started), how long it stayed down before the restart, recovery. */
    record Kill(String victim, long atMillis, long downMillis, long recoveryMillis) {
    }

    private final List<Victim> victims;
    private final Random random;
    private final int kills;

    Monkey(List<Victim> victims, long seed, int kills) {
        this.victims = victims;
        this.random = new Random(seed * 7919 + 1);
        this.kills = kills;
    }

    /**
     * Runs every kill, one after the other: the first while the load is being sent, later ones possibly after it,
     * while the stages still work through what was sent.
     */
    List<Kill> run() throws InterruptedException {
        List<Kill> out = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int k = 0; k < kills; k++) {
            Thread.sleep(1000 + random.nextInt(3000));
            Victim v = victims.get(random.nextInt(victims.size()));
            long down = 200 + random.nextInt(3000);
            long at = (System.nanoTime() - t0) / 1_000_000;
            LOG.info("kill -9 {} at +{} ms, restart in {} ms", v.name(), at, down);
            long killedAt = System.nanoTime();
            v.kill();
            Thread.sleep(down);
            v.restart();
            long deadline = System.nanoTime() + RECOVERY_LIMIT.toNanos();
            while (!v.ready()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(v.name() + " did not recover within " + RECOVERY_LIMIT);
                }
                Thread.sleep(100);
            }
            long recovery = (System.nanoTime() - killedAt) / 1_000_000;
            LOG.info("{} serving again {} ms after the kill", v.name(), recovery);
            out.add(new Kill(v.name(), at, down, recovery));
        }
        return out;
    }
}
