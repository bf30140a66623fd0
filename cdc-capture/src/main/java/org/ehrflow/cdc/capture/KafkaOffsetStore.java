package org.ehrflow.cdc.capture;

import io.debezium.embedded.KafkaConnectUtil;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.KafkaOffsetBackingStore;
import org.apache.kafka.connect.util.Callback;
import org.apache.kafka.connect.util.SharedTopicAdmin;

/**
 * Debezium's source offsets in a compacted Kafka topic, like Connect's {@link KafkaOffsetBackingStore}, but owning
 * (and closing on stop) its admin client: the store Debezium builds for that class name leaks one admin client per
 * engine start, which then retries a stopped broker forever. MariaDB binlog offsets are repaired on the way in and
 * moved back to the start of an unfinished transaction on the way out ({@link BinlogRestartOffsets}).
 */
public final class KafkaOffsetStore extends KafkaOffsetBackingStore {

    private static final String CLIENT_ID_BASE = "ehrflow-cdc-capture";

    private final AtomicReference<SharedTopicAdmin> admin;
    /** The value last stored per key, as stored: the next MariaDB offset's scan hint. */
    private final Map<ByteBuffer, byte[]> lastStored = new ConcurrentHashMap<>();
    private volatile BinlogResume binlog;

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
        binlog = BinlogProperties.resume(config.originals());
        super.configure(config);
    }

    /** The stored offsets; a MariaDB position inside a transaction comes back as that transaction's start. */
    @Override
    public Future<Map<ByteBuffer, ByteBuffer>> get(Collection<ByteBuffer> keys) {
        Future<Map<ByteBuffer, ByteBuffer>> stored = super.get(keys);
        BinlogResume resume = binlog;
        return resume == null ? stored : new Rewound(stored, resume);
    }

    /** MariaDB binlog offsets are stored without their skip counters ({@link BinlogRestartOffsets}). */
    @Override
    public Future<Void> set(Map<ByteBuffer, ByteBuffer> values, Callback<Void> callback) {
        Map<ByteBuffer, ByteBuffer> repaired = new HashMap<>();
        values.forEach((k, v) -> {
            if (v == null) {
                repaired.put(k, null);
                return;
            }
            byte[] value = BinlogRestartOffsets.repair(bytes(v), lastStored.get(k));
            lastStored.put(k, value);
            repaired.put(k, ByteBuffer.wrap(value));
        });
        return super.set(repaired, callback);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** The stored offsets, MariaDB positions resolved when the engine asks (once, at start). */
    private final class Rewound implements Future<Map<ByteBuffer, ByteBuffer>> {
        private final Future<Map<ByteBuffer, ByteBuffer>> stored;
        private final BinlogResume resume;

        Rewound(Future<Map<ByteBuffer, ByteBuffer>> stored, BinlogResume resume) {
            this.stored = stored;
            this.resume = resume;
        }

        private Map<ByteBuffer, ByteBuffer> rewind(Map<ByteBuffer, ByteBuffer> values) {
            Map<ByteBuffer, ByteBuffer> out = new HashMap<>();
            values.forEach((k, v) -> {
                if (v == null) {
                    out.put(k, null);
                    return;
                }
                byte[] value = BinlogRestartOffsets.rewind(bytes(v), resume::resumeAt);
                lastStored.put(k, value);
                out.put(k, ByteBuffer.wrap(value));
            });
            return out;
        }

        @Override
        public Map<ByteBuffer, ByteBuffer> get() throws InterruptedException, ExecutionException {
            return rewind(stored.get());
        }

        @Override
        public Map<ByteBuffer, ByteBuffer> get(long timeout, TimeUnit unit)
                throws InterruptedException, ExecutionException, TimeoutException {
            return rewind(stored.get(timeout, unit));
        }

        @Override
        public boolean cancel(boolean mayInterrupt) {
            return stored.cancel(mayInterrupt);
        }

        @Override
        public boolean isCancelled() {
            return stored.isCancelled();
        }

        @Override
        public boolean isDone() {
            return stored.isDone();
        }
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
