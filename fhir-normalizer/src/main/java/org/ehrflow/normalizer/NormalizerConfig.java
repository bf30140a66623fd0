package org.ehrflow.normalizer;

import java.nio.file.Path;
import java.time.Duration;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.ehrflow.cdcmap.MappingLoader;
import org.ehrflow.runtime.ConfigReader;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.Topics;

/**
 * The normaliser's settings, from {@code EHRFLOW_NORMALIZER_*} (Kafka from {@code EHRFLOW_KAFKA_*}).
 *
 * @param kafka             broker and client properties
 * @param applicationId     Streams application.id (also names its consumer group and internal topics)
 * @param stateDir          Streams state directory
 * @param streamThreads     stream threads
 * @param commitInterval    EOS commit interval (transaction length): latency vs. throughput
 * @param authoritySystems  HL7 assigning authority -> FHIR identifier system
 * @param keySystems        identifier systems that key a patient, in priority order
 * @param cdcMrnSystem      identifier system of the EHR database's {@code patients.mrn}
 * @param cdcVisitAuthority assigning authority of {@code encounters.visit_number} (maps through authoritySystems)
 * @param hl7DefaultZone    zone of HL7 times that carry none
 * @param opsHost           bind address of /metrics, /health, /ready (main only)
 * @param opsPort           port of the ops endpoint, 0 = any free port (main only)
 * @param fallbackTypes     identifier types of the identity rules' sender-scoped fallback tier, in priority order
 *                          ({@code FALLBACK_TYPES}; keep equal across hl7-listener, fhir-gateway and the normaliser)
 * @param cdcMappingFile    the CDC mapping file (path or classpath:; the same file cdc-capture reads)
 * @param cdcSiteZone       zone of the CDC source's timestamps without time zone
 */
public record NormalizerConfig(
        KafkaSettings kafka,
        String applicationId,
        Path stateDir,
        int streamThreads,
        Duration commitInterval,
        Map<String, String> authoritySystems,
        List<String> keySystems,
        String cdcMrnSystem,
        String cdcVisitAuthority,
        ZoneId hl7DefaultZone,
        String opsHost,
        int opsPort,
        List<String> fallbackTypes,
        String cdcMappingFile,
        ZoneId cdcSiteZone) {

    public static final String ENV_PREFIX = "EHRFLOW_NORMALIZER_";
    /** The Synthea sample bundles' MRN system (identifier type MR), keyed after the local MRN system. */
    public static final String SYNTHEA_MRN_SYSTEM = "http://hospital.smarthealthit.org";

    public NormalizerConfig {
        authoritySystems = Map.copyOf(authoritySystems);
        keySystems = List.copyOf(keySystems);
        fallbackTypes = List.copyOf(fallbackTypes);
    }

    /** Defaults usable from code (demo, tests): the demo EHR's authorities, a temp state dir. */
    public static NormalizerConfig defaults(KafkaSettings kafka) {
        return new NormalizerConfig(kafka, Topics.APP_FHIR_NORMALIZER,
                Path.of(System.getProperty("java.io.tmpdir"), "ehrflow-streams", Topics.APP_FHIR_NORMALIZER), 1,
                Duration.ofMillis(100), defaultAuthorities(), defaultKeySystems(),
                PatientKeyResolver.DEFAULT_MRN_SYSTEM, "EHR", ZoneOffset.UTC, "127.0.0.1", 0,
                PatientKeyResolver.DEFAULT_FALLBACK_TYPES, MappingLoader.DEMO, ZoneOffset.UTC);
    }

    /** Reads every setting, reporting all problems at once. */
    public static NormalizerConfig fromEnv(Map<String, String> env) {
        ConfigReader r = new ConfigReader(env, ENV_PREFIX);
        NormalizerConfig d = defaults(KafkaSettings.read(env));
        String authorities = r.string("AUTHORITY_SYSTEMS", null);
        Map<String, String> authorityMap = d.authoritySystems();
        if (authorities != null) {
            authorityMap = parseAuthorities(authorities);
            r.check(authorityMap != null, r.key("AUTHORITY_SYSTEMS") + " must be AUTHORITY=system,AUTHORITY2=system2");
        }
        String keys = r.string("KEY_SYSTEMS", null);
        List<String> keySystems = keys == null ? d.keySystems()
                : List.of(keys.split(",")).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        r.check(!keySystems.isEmpty(), r.key("KEY_SYSTEMS") + " must name at least one identifier system");
        ZoneId zoneId = zone(r, "HL7_DEFAULT_ZONE");
        ZoneId siteZone = zone(r, "CDC_SITE_ZONE");
        NormalizerConfig c = new NormalizerConfig(d.kafka(),
                r.string("APPLICATION_ID", d.applicationId()),
                Path.of(r.string("STATE_DIR", d.stateDir().toString())),
                r.integer("STREAM_THREADS", d.streamThreads(), 1, 64),
                r.duration("COMMIT_INTERVAL", d.commitInterval(), Duration.ofMillis(10), Duration.ofMinutes(5)),
                authorityMap == null ? d.authoritySystems() : authorityMap, keySystems,
                r.string("CDC_MRN_SYSTEM", d.cdcMrnSystem()),
                r.string("CDC_VISIT_AUTHORITY", d.cdcVisitAuthority()),
                zoneId,
                r.string("OPS_HOST", "0.0.0.0"),
                r.integer("OPS_PORT", 8082, 0, 65535),
                fallbackTypes(r.string("FALLBACK_TYPES", null)),
                r.string("CDC_MAPPING_FILE", d.cdcMappingFile()), siteZone);
        r.validate();
        return c;
    }

    private static ZoneId zone(ConfigReader r, String key) {
        try {
            return ZoneId.of(r.string(key, "UTC"));
        } catch (DateTimeException e) {
            r.check(false, r.key(key) + " must be a zone id such as UTC or Europe/Berlin");
            return ZoneOffset.UTC;
        }
    }

    public PatientKeyResolver patientKeyResolver() {
        return new PatientKeyResolver(authoritySystems, keySystems, fallbackTypes);
    }

    /** Streams properties: exactly_once_v2, this app's id, state dir, threads, commit interval, client pass-through. */
    public Properties streamsProperties() {
        Properties p = kafka.clientProps();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
        return p;
    }

    public NormalizerConfig withStateDir(Path dir) {
        return new NormalizerConfig(kafka, applicationId, dir, streamThreads, commitInterval, authoritySystems,
                keySystems, cdcMrnSystem, cdcVisitAuthority, hl7DefaultZone, opsHost, opsPort, fallbackTypes,
                cdcMappingFile, cdcSiteZone);
    }

    /** {@code MR,PI,...}; unset: the shared defaults of {@link PatientKeyResolver#DEFAULT_FALLBACK_TYPES}. */
    static List<String> fallbackTypes(String v) {
        return v == null ? PatientKeyResolver.DEFAULT_FALLBACK_TYPES : PatientKeyResolver.parse(null, null,
                v).fallbackTypes();
    }

    static Map<String, String> defaultAuthorities() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("HOSP", PatientKeyResolver.DEFAULT_MRN_SYSTEM);
        m.put("EHR", PatientKeyResolver.DEFAULT_MRN_SYSTEM);
        return m;
    }

    static List<String> defaultKeySystems() {
        return List.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, SYNTHEA_MRN_SYSTEM);
    }

    /** "A=sys,B=sys2" -> map, or null if an entry is malformed (the caller names the key). */
    private static Map<String, String> parseAuthorities(String s) {
        Map<String, String> m = new LinkedHashMap<>();
        List<String> entries = new ArrayList<>(List.of(s.split(",")));
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.strip().length() - 1 || entry.substring(eq + 1).isBlank()) {
                return null;
            }
            m.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
        }
        return m;
    }
}
