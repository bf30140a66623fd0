package org.ehrflow.cdc.capture;

import io.debezium.embedded.KafkaConnectUtil;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.KafkaOffsetBackingStore;
import org.apache.kafka.connect.util.Callback;
import org.apache.kafka.connect.util.SharedTopicAdmin;

/**
 * Debezium's source offsets in a compacted Kafka topic, like Connect's {@link KafkaOffsetBackingStore}, but owning
 * (and closing on stop) its admin client: the store Debezium builds for that class name leaks one admin client per
 * engine start, which then retries a stopped broker forever. MariaDB binlog offsets are repaired on the way in.
 */
public final class KafkaOffsetStore extends KafkaOffsetBackingStore {

    private static final String CLIENT_ID_BASE = "ehrflow-cdc-capture";

    private final AtomicReference<SharedTopicAdmin> admin;

    /** Called by the engine (by class name) with no arguments; {@link #configure} supplies the settings. */
    public KafkaOffsetStore() {
        this(new AtomicReference<>());
    }

    private KafkaOffsetStore(AtomicReference<SharedTopicAdmin> admin) {
        super(() -> admin.get().topicAdmin(), () -> CLIENT_ID_BASE, KafkaConnectUtil.converterForOffsetStore());
        this.admin = admin;
    }

    @Override
    public void configure(WorkerConfig config) {
        Map<String, Object> adminProps = new HashMap<>(config.originals());
        adminProps.put(CommonClientConfigs.CLIENT_ID_CONFIG, CLIENT_ID_BASE + "-offsets-admin");
        admin.set(new SharedTopicAdmin(adminProps));
        super.configure(config);
    }

    /** MariaDB binlog offsets are stored without their skip counters ({@link BinlogRestartOffsets}). */
    @Override
    public Future<Void> set(Map<ByteBuffer, ByteBuffer> values, Callback<Void> callback) {
        Map<ByteBuffer, ByteBuffer> repaired = new HashMap<>();
        values.forEach((k, v) -> repaired.put(k, BinlogRestartOffsets.repair(v)));
        return super.set(repaired, callback);
    }

    @Override
    public void stop() {
        try {
            super.stop();
        } finally {
            SharedTopicAdmin a = admin.getAndSet(null);
            if (a != null) {
                a.close();
            }
        }
    }
}
