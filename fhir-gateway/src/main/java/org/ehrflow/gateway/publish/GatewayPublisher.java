package org.ehrflow.gateway.publish;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ehrflow.gateway.ingest.RawRecord;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.schemas.Topics;

/**
 * The gateway's one Kafka producer, idempotent with {@code acks=all}: a request's records are acknowledged only
 * when every in-sync replica has them, the gateway's condition for a 2xx (as AA is the listener's).
 */
public final class GatewayPublisher implements AutoCloseable {

    /** Client id and DLQ stage name of the gateway. */
    public static final String APP_ID = "fhir-gateway";

    /** How a failed send is answered. */
    public enum Failure { UNAVAILABLE, TOO_LARGE, FATAL }

    private final Producer<String, byte[]> producer;
    private final AtomicLong lastSuccessNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong lastFailureNanos = new AtomicLong(Long.MIN_VALUE);

    public GatewayPublisher(Producer<String, byte[]> producer) {
        this.producer = producer;
    }

    public static GatewayPublisher create(KafkaSettings kafka, Duration deadline, int maxRequestBytes) {
        return new GatewayPublisher(new KafkaProducer<>(producerProps(kafka, deadline, maxRequestBytes),
                new StringSerializer(), new ByteArraySerializer()));
    }

    /**
     * Pass-through settings first (TLS/SASL), then the guarantees, which cannot be overridden. Blocking and delivery
     * are bounded by the deadline, so a request answered 503 is not retried long after (if it still lands, the
     * client's retry converges: downstream ids are deterministic).
     */
    public static Properties producerProps(KafkaSettings kafka, Duration deadline, int maxRequestBytes) {
        Properties p = kafka.clientProps();
        int ms = (int) Math.min(Integer.MAX_VALUE, deadline.toMillis());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, APP_ID);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.RETRIES_CONFIG, Integer.toString(Integer.MAX_VALUE));
        // Concurrent requests' records share produce requests when they meet within a millisecond.
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Integer.toString(ms));
        // delivery.timeout.ms must cover linger.ms + request.timeout.ms.
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(ms - 1));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(ms));
        // A body at the size limit, plus the JSON envelope (escaping can double it), must fit one request.
        p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(2 * maxRequestBytes + 64 * 1024));
        return p;
    }

    /** Sends every record; completes when the broker acknowledged all, or exceptionally with the first failure. */
    public CompletableFuture<Void> publishAll(List<RawRecord> records) {
        CompletableFuture<?>[] sends = new CompletableFuture<?>[records.size()];
        for (int i = 0; i < sends.length; i++) {
            sends[i] = send(records.get(i));
        }
        return CompletableFuture.allOf(sends);
    }

    private CompletableFuture<Void> send(RawRecord r) {
        String topic = Topics.RAW_FHIR.name();
        CompletableFuture<Void> f = new CompletableFuture<>();
        try {
            byte[] value = Topics.RAW_FHIR.valueSerde().serializer().serialize(topic, r.message());
            producer.send(new ProducerRecord<>(topic, null, r.key(), value), (md, err) -> {
                if (err != null) {
                    lastFailureNanos.set(System.nanoTime());
                    f.completeExceptionally(err);
                } else {
                    lastSuccessNanos.set(System.nanoTime());
                    f.complete(null);
                }
            });
        } catch (RuntimeException e) {
            // send() throws for a closed producer, oversize records and metadata timeouts.
            lastFailureNanos.set(System.nanoTime());
            f.completeExceptionally(e);
        }
        return f;
    }

    /** How to answer a failed publish. */
    public static Failure classify(Throwable t) {
        Throwable c = t;
        while (c instanceof CompletionException || c instanceof ExecutionException) {
            if (c.getCause() == null) {
                break;
            }
            c = c.getCause();
        }
        if (c instanceof RecordTooLargeException) {
            return Failure.TOO_LARGE;
        }
        if (c instanceof RetriableException || c instanceof TimeoutException
                || c instanceof org.apache.kafka.common.errors.TimeoutException
                || c instanceof org.apache.kafka.common.errors.InterruptException) {
            return Failure.UNAVAILABLE;
        }
        return Failure.FATAL;
    }

    /** Whether a send succeeded within {@code window} and none failed since. */
    public boolean succeededWithin(Duration window) {
        long last = lastSuccessNanos.get();
        long failed = lastFailureNanos.get();
        return last != Long.MIN_VALUE && System.nanoTime() - last < window.toNanos()
                && (failed == Long.MIN_VALUE || failed - last < 0);
    }

    /** Binds the producer's own metrics to {@code registry}; close to unbind. */
    public AutoCloseable bindMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics m =
                new io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics(producer);
        m.bindTo(registry);
        return m;
    }

    public void close(Duration timeout) {
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
