package org.ehrflow.sink.error;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.ehrflow.runtime.DeadLetters;
import org.ehrflow.schemas.DeadLetter;

/**
 * Sends dead letters and waits for the broker's acknowledgement (acks=all), so a record is durable in the DLQ
 * before the PostgreSQL transaction that moves its offset past it.
 */
public final class DlqPublisher implements AutoCloseable {

    private final Producer<String, DeadLetter> producer;

    public DlqPublisher(Producer<String, DeadLetter> producer) {
        this.producer = producer;
    }

    /** Sends all and waits; any failure is a {@link DlqUnavailableException} (transient: retry the batch). */
    public void sendAll(List<Keyed> letters) {
        if (letters.isEmpty()) {
            return;
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>(letters.size());
        for (Keyed k : letters) {
            ProducerRecord<String, DeadLetter> r = DeadLetters.record(k.key(), k.letter());
            acks.add(producer.send(r));
        }
        try {
            for (Future<RecordMetadata> f : acks) {
                f.get(60, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new DlqUnavailableException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DlqUnavailableException(e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    /** A dead letter with the key of the record it replaces. */
    public record Keyed(String key, DeadLetter letter) {
    }

    /** The broker did not acknowledge a dead letter; the batch is retried (never skipped). */
    public static final class DlqUnavailableException extends RuntimeException {
        public DlqUnavailableException(Throwable cause) {
            super("DLQ not acknowledged (" + cause.getClass().getSimpleName() + ")", cause);
        }
    }
}
