package org.ehrflow.runtime;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where the broker is and how to reach it: bootstrap servers plus pass-through client properties (TLS/SASL)
 * from {@code EHRFLOW_KAFKA_*}. Values of keys that look secret are masked in {@link #toString()}.
 *
 * @param bootstrapServers host:port list
 * @param clientProperties extra client properties applied to every producer, consumer, admin and Streams app
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> clientProperties) {

    public static final String ENV_PREFIX = "EHRFLOW_KAFKA_";
    /**
     * {@code EHRFLOW_KAFKA_GROUP_INSTANCE_ID}, passed through as {@code group.instance.id}: static group membership.
     * Give each consumer instance (normaliser, chunker, sink) its own stable id, e.g. a StatefulSet's pod name: a
     * killed and restarted instance then takes its partitions back at once instead of waiting for its old session
     * to time out (measured in RELIABILITY.md: 44 s down to 6 s).
     */
    public static final String GROUP_INSTANCE_ID = "GROUP_INSTANCE_ID";

    public KafkaSettings {
        clientProperties = Map.copyOf(clientProperties);
    }

    public static KafkaSettings of(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, Map.of());
    }

    /** Reads {@code EHRFLOW_KAFKA_BOOTSTRAP_SERVERS} and the pass-through properties from {@code env}. */
    public static KafkaSettings read(Map<String, String> env) {
        ConfigReader kafka = new ConfigReader(env, ENV_PREFIX);
        String servers = kafka.string("BOOTSTRAP_SERVERS", "localhost:9092");
        Map<String, String> props = new TreeMap<>(kafka.passThrough(""));
        props.remove("bootstrap.servers");
        kafka.validate(); // an unreadable *_FILE secret fails start-up instead of connecting without it
        return new KafkaSettings(servers, props);
    }

    /** Base client properties: bootstrap servers plus pass-through. */
    public Properties clientProps() {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put("bootstrap.servers", bootstrapServers);
        return p;
    }

    @Override
    public String toString() {
        Map<String, String> masked = new TreeMap<>();
        clientProperties.forEach((k, v) -> masked.put(k,
                k.contains("password") || k.contains("jaas") || k.contains("secret") ? "******" : v));
        return "KafkaSettings[" + bootstrapServers + ", " + masked + "]";
    }
}
