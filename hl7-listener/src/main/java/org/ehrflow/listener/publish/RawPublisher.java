package org.ehrflow.listener.publish;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ehrflow.runtime.DeadLetters;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.Topics;

/**
 * The listener's one Kafka producer, idempotent with {@code acks=all}: a send completes only when every in-sync
 * replica has the record, which is the listener's condition for AA. Raw records and dead letters share it.
 */
public final class RawPublisher implements AutoCloseable {

    private final Producer<String, byte[]> producer;
    private final AtomicLong lastSuccessNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong lastFailureNanos = new AtomicLong(Long.MIN_VALUE);

    public RawPublisher(Producer<String, byte[]> producer) {
        this.producer = producer;
    }

    /** A publisher over a new producer; {@code deadline} bounds blocking and delivery (see {@link #producerProps}). */
    public static RawPublisher create(KafkaSettings kafka, Duration deadline) {
        return new RawPublisher(new KafkaProducer<>(producerProps(kafka, deadline), new StringSerializer(),
                new ByteArraySerializer()));
    }

    /**
     * Client properties: pass-through settings first (TLS/SASL), then the guarantees, which cannot be overridden.
     * Delivery is bounded by the ACK deadline so a record the sender was told AE about is not retried for long
     * after (it may still land once; downstream ids are deterministic, so a resend updates, not duplicates).
     */
    public static Properties producerProps(KafkaSettings kafka, Duration deadline) {
        Properties p = kafka.clientProps();
        int ms = (int) Math.min(Integer.MAX_VALUE, deadline.toMillis());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, Topics.APP_HL7_LISTENER);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.RETRIES_CONFIG, Integer.toString(Integer.MAX_VALUE));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Integer.toString(ms));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(ms));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(ms));
        // Frames up to the listener's limit (1 MiB by default) plus the JSON envelope must fit one request.
        p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(4 * 1024 * 1024));
        return p;
    }

    /** Binds the producer's own metrics (request latency, retries, buffer) to {@code registry}; close to unbind. */
    public AutoCloseable bindMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics m =
                new io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics(producer);
        m.bindTo(registry);
        return m;
    }

    /** Sends a raw HL7 record; completes when the broker acknowledged it. */
    public CompletableFuture<RecordMetadata> sendRaw(String key, RawMessage message) {
        String topic = Topics.RAW_HL7V2.name();
        return send(new ProducerRecord<>(topic, null, key,
                Topics.RAW_HL7V2.valueSerde().serializer().serialize(topic, message)));
    }

    /** Sends a dead letter to the listener's DLQ with its reason headers. */
    public CompletableFuture<RecordMetadata> sendDeadLetter(String key, DeadLetter dl) {
        ProducerRecord<String, DeadLetter> r = DeadLetters.record(key, dl);
        byte[] value = Topics.dlq(dl.stage()).valueSerde().serializer().serialize(r.topic(), dl);
        return send(new ProducerRecord<>(r.topic(), null, key, value, r.headers()));
    }

    private CompletableFuture<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
        CompletableFuture<RecordMetadata> f = new CompletableFuture<>();
        try {
            producer.send(record, (md, err) -> {
                if (err != null) {
                    lastFailureNanos.set(System.nanoTime());
                    f.completeExceptionally(err);
                } else {
                    lastSuccessNanos.set(System.nanoTime());
                    f.complete(md);
                }
            });
        } catch (RuntimeException e) {
            // send() throws for a closed producer, serialization faults and (pre-3.x) metadata timeouts.
            lastFailureNanos.set(System.nanoTime());
            f.completeExceptionally(e);
        }
        return f;
    }

    /** Whether a send succeeded within {@code window} and none failed after it. */
    public boolean succeededWithin(Duration window) {
        long last = lastSuccessNanos.get();
        long failed = lastFailureNanos.get();
        return last != Long.MIN_VALUE && System.nanoTime() - last < window.toNanos()
                && (failed == Long.MIN_VALUE || failed - last < 0);
    }

    /** Flushes and closes, waiting at most {@code timeout} for records in flight. */
    public void close(Duration timeout) {
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
