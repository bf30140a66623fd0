package org.ehrflow.ops.canary;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.ehrflow.runtime.ConfigReader;
import org.ehrflow.runtime.Secret;

/**
 * The freshness canary's settings, from {@code EHRFLOW_OPS_CANARY_*}.
 *
 * @param sources     the sources to inject through (hl7, fhir, cdc); empty disables the canary
 * @param interval    time between injections (per source)
 * @param timeout     how long an injected event may take before it counts as lost
 * @param mllpHost    the HL7 listener's host (hl7 source)
 * @param mllpPort    its MLLP port
 * @param ehrJdbcUrl  the EHR database, written through (cdc source)
 * @param ehrUser     a user that may insert and delete ehr.patients / ehr.notes rows
 * @param ehrPassword its password
 */
public record CanaryConfig(Set<Source> sources, Duration interval, Duration timeout, String mllpHost, int mllpPort,
        String ehrJdbcUrl, String ehrUser, Secret ehrPassword) {

    /** Where a canary event enters the pipeline. */
    public enum Source {
        HL7,
        FHIR,
        CDC
    }

    public static final String PREFIX = "EHRFLOW_OPS_CANARY_";

    public CanaryConfig {
        sources = Set.copyOf(sources);
    }

    /** No canary. */
    public static CanaryConfig disabled() {
        return new CanaryConfig(Set.of(), Duration.ofSeconds(60), Duration.ofMinutes(5), "127.0.0.1", 2575, null,
                "postgres", new Secret(""));
    }

    public boolean enabled() {
        return !sources.isEmpty();
    }

    /** Reads the settings, failing once with every problem found. */
    public static CanaryConfig fromEnv(Map<String, String> env) {
        ConfigReader r = new ConfigReader(env, PREFIX);
        Set<Source> sources = new TreeSet<>();
        for (String s : r.string("SOURCES", "").split(",")) {
            if (s.isBlank()) {
                continue;
            }
            try {
                sources.add(Source.valueOf(s.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                r.check(false, r.key("SOURCES") + " must list hl7, fhir and/or cdc");
            }
        }
        Duration interval = r.duration("INTERVAL", Duration.ofSeconds(60), Duration.ofMillis(500), Duration.ofHours(1));
        Duration timeout = r.duration("TIMEOUT", Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofHours(1));
        String host = r.string("MLLP_HOST", "127.0.0.1");
        int port = r.integer("MLLP_PORT", 2575, 1, 65535);
        String ehr = r.string("EHR_JDBC_URL", null);
        r.check(!sources.contains(Source.CDC) || ehr != null, r.key("EHR_JDBC_URL")
                + " is required for the cdc source");
        String user = r.string("EHR_USER", "postgres");
        Secret password = r.secret("EHR_PASSWORD", "");
        r.validate();
        return new CanaryConfig(sources, interval, timeout, host, port, ehr, user, password);
    }
}
