package org.ehrflow.ehrsim.sim;

import java.time.Duration;
import java.util.Map;
import org.ehrflow.runtime.ConfigReader;
import org.ehrflow.runtime.Secret;

/**
 * Settings of the EHR simulator, from {@code EHRFLOW_SIM_*}. Both bounds apply: it stops at whichever of
 * {@code duration} and {@code maxChanges} comes first.
 *
 * @param jdbcUrl    EHR database (the EHR application's own connection, not the capture role)
 * @param user       a role that may write the ehr tables
 * @param password   its password
 * @param rate       committed changes per second
 * @param duration   how long to run at most
 * @param maxChanges how many changes to commit at most
 * @param seed       random seed: the same seed replays the same activity
 */
public record SimulatorConfig(String jdbcUrl, String user, Secret password, int rate, Duration duration,
        int maxChanges, long seed) {

    public static final String ENV_PREFIX = "EHRFLOW_SIM_";

    /** 50 changes/s for at most 60 s or 3,000 changes, seed 1. */
    public static SimulatorConfig defaults(String jdbcUrl, String user, Secret password) {
        return new SimulatorConfig(jdbcUrl, user, password, 50, Duration.ofSeconds(60), 3_000, 1L);
    }

    public SimulatorConfig withRate(int changesPerSecond, Duration maxDuration, int max) {
        return new SimulatorConfig(jdbcUrl, user, password, changesPerSecond, maxDuration, max, seed);
    }

    public static SimulatorConfig fromEnv(Map<String, String> env) {
        ConfigReader r = new ConfigReader(env, ENV_PREFIX);
        String url = r.string("JDBC_URL", "jdbc:postgresql://localhost:5432/ehr");
        String user = r.string("USER", "postgres");
        Secret password = r.secret("PASSWORD", "");
        int rate = r.integer("RATE", 50, 1, 10_000);
        Duration duration = r.duration("DURATION", Duration.ofSeconds(60), Duration.ofSeconds(1),
                Duration.ofHours(24));
        int max = r.integer("MAX_CHANGES", 3_000, 1, 100_000_000);
        int seed = r.integer("SEED", 1, 0, Integer.MAX_VALUE);
        r.validate();
        return new SimulatorConfig(url, user, password, rate, duration, max, seed);
    }
}
