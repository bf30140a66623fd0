package org.ehrflow.cdc.capture;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.ehrflow.cdc.mapping.CaptureTables;
import org.ehrflow.cdc.mapping.ChangeEventMapper;
import org.ehrflow.cdc.mapping.MappingResult;
import org.ehrflow.runtime.DeadLetters;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives the engine's batches, publishes each data change to the raw CDC topic (or the DLQ) and marks the batch
 * processed only after the broker acknowledged every record of it: the offsets Debezium commits (and the LSN it
 * confirms to the slot) never run ahead of what Kafka holds.
 */
public final class ChangeBatchHandler implements DebeziumEngine.ChangeConsumer<ChangeEvent<String, String>> {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeBatchHandler.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final Producer<String, byte[]> producer;
    private final ChangeEventMapper mapper;
    private final CdcMetrics metrics;
    private final Clock clock;
    private final Duration initialBackoff;
    private volatile boolean stopping;

    public ChangeBatchHandler(Producer<String, byte[]> producer, CdcMetrics metrics, Clock clock,
            Duration initialBackoff) {
        this(producer, metrics, clock, initialBackoff, CaptureTables.DEMO);
    }

    public ChangeBatchHandler(Producer<String, byte[]> producer, CdcMetrics metrics, Clock clock,
            Duration initialBackoff, CaptureTables tables) {
        this.mapper = new ChangeEventMapper(tables);
        this.producer = producer;
        this.metrics = metrics;
        this.clock = clock;
        this.initialBackoff = initialBackoff;
    }

    /** After this, a batch whose records cannot be acknowledged is abandoned (not marked) instead of retried. */
    public void stopping() {
        stopping = true;
    }

    @Override
    public void handleBatch(List<ChangeEvent<String, String>> records,
            DebeziumEngine.RecordCommitter<ChangeEvent<String, String>> committer) throws InterruptedException {
        Instant now = clock.instant();
        List<Outgoing> out = new ArrayList<>(records.size());
        for (ChangeEvent<String, String> event : records) {
            MappingResult result = mapper.map(event.destination(), event.value(), now);
            if (result instanceof MappingResult.Mapped m) {
                out.add(new Outgoing(new ProducerRecord<>(Topics.RAW_CDC.name(), m.key(), serialize(m.value())), m,
                        null));
            } else if (result instanceof MappingResult.Rejected r) {
                out.add(deadLetter(event, r));
            } else if (result instanceof MappingResult.Skipped s) {
                metrics.skipped(s.kind());
                if ("heartbeat".equals(s.kind())) {
                    metrics.heartbeat();
                }
            }
        }
        if (!out.isEmpty()) {
            sendUntilAcknowledged(out);
            Instant ackedAt = clock.instant();
            for (Outgoing o : out) {
                if (o.mapped() != null) {
                    metrics.published(o.mapped().table(), o.mapped().op(),
                            o.mapped().value().provenance().eventTime(), ackedAt);
                } else {
                    metrics.deadLettered(o.rejected().reasonCode());
                }
            }
        }
        // Only now may Debezium count these events as done: everything above is on the broker.
        for (ChangeEvent<String, String> event : records) {
            committer.markProcessed(event);
        }
        committer.markBatchFinished();
    }

    private Outgoing deadLetter(ChangeEvent<String, String> event, MappingResult.Rejected r) {
        byte[] original = event.value() == null ? new byte[0] : event.value().getBytes(StandardCharsets.UTF_8);
        DeadLetter dl = DeadLetters.atIngress(Topics.APP_CDC_CAPTURE, r.reasonCode(), null, r.sourceMessageId(),
                original);
        // The Debezium key is the row's primary key ({"id":n}): a row id, the only key such an event has.
        ProducerRecord<String, DeadLetter> rec = DeadLetters.record(event.key(), dl);
        byte[] value = Topics.dlq(Topics.APP_CDC_CAPTURE).valueSerde().serializer().serialize(rec.topic(), dl);
        LOG.warn("change event dead-lettered: reason={} source={}", r.reasonCode(), r.sourceMessageId());
        return new Outgoing(new ProducerRecord<>(rec.topic(), null, rec.key(), value, rec.headers()), null, r);
    }

    private static byte[] serialize(RawMessage value) {
        return Topics.RAW_CDC.valueSerde().serializer().serialize(Topics.RAW_CDC.name(), value);
    }

    // Re-sends from the first unacknowledged record on, so per-patient order holds (a re-send may duplicate
    // records after it that had landed: at-least-once, which deterministic downstream ids absorb).
    private void sendUntilAcknowledged(List<Outgoing> out) throws InterruptedException {
        int from = 0;
        Duration backoff = initialBackoff;
        while (true) {
            long started = System.nanoTime();
            List<Future<RecordMetadata>> acks = new ArrayList<>(out.size() - from);
            for (int i = from; i < out.size(); i++) {
                acks.add(producer.send(out.get(i).record()));
            }
            producer.flush();
            int failedAt = -1;
            Throwable failure = null;
            for (int j = 0; j < acks.size() && failedAt < 0; j++) {
                try {
                    acks.get(j).get();
                } catch (ExecutionException e) {
                    failedAt = from + j;
                    failure = e.getCause();
                }
            }
            if (failedAt < 0) {
                metrics.batchAcked(Duration.ofNanos(System.nanoTime() - started));
                return;
            }
            String cause = failure == null ? "unknown" : failure.getClass().getSimpleName();
            if (!(failure instanceof RetriableException)) {
                throw new CaptureFailedException("broker refused a change event for good: " + cause);
            }
            if (stopping) {
                throw new InterruptedException("stopping with " + (out.size() - failedAt) + " unacknowledged events");
            }
            LOG.warn("produce failed ({}); re-sending {} events in {} ms", cause, out.size() - failedAt,
                    backoff.toMillis());
            metrics.retried();
            Thread.sleep(backoff.toMillis());
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            from = failedAt;
        }
    }

    private record Outgoing(ProducerRecord<String, byte[]> record, MappingResult.Mapped mapped,
            MappingResult.Rejected rejected) {
    }
}
