package org.ehrflow.sink.consume;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** The sink's meters, all prefixed {@code ehrflow.sink}; tags are codes only (reason, result), never data. */
public final class SinkMetrics {

    private final MeterRegistry registry;
    final Counter rowsWritten;
    final Counter rowsDeleted;
    final Counter embedded;
    final Counter reused;
    final Counter chunkSets;
    final Counter sourceRecords;
    final Counter retries;
    final Counter batchesSplit;
    final Counter shadowEmbedded;
    final Counter eventsPruned;
    final Counter offsetRewinds;
    final DistributionSummary batchSize;
    final Timer embedTime;
    final Timer transactionTime;
    final Timer freshness;

    public SinkMetrics(MeterRegistry registry) {
        this.registry = registry;
        rowsWritten = Counter.builder("ehrflow.sink.rows.written").description("chunk rows upserted")
                .register(registry);
        rowsDeleted = Counter.builder("ehrflow.sink.rows.deleted").description("stale or retracted rows deleted")
                .register(registry);
        embedded = Counter.builder("ehrflow.sink.embeddings").tag("result", "computed")
                .description("texts run through the model").register(registry);
        reused = Counter.builder("ehrflow.sink.embeddings").tag("result", "skipped")
                .description("chunks whose stored vector was kept (hash and model unchanged)").register(registry);
        chunkSets = Counter.builder("ehrflow.sink.chunk.sets").description("chunk sets committed").register(registry);
        sourceRecords = Counter.builder("ehrflow.sink.source.records")
                .description("FHIR records applied to ehrflow.source_record").register(registry);
        retries = Counter.builder("ehrflow.sink.retries").description("transient faults retried").register(registry);
        offsetRewinds = Counter.builder("ehrflow.sink.offsets.rewound")
                .description("partitions sought back to PostgreSQL's stored offsets after a new connection found "
                        + "them different from the ones committed (lost commits)").register(registry);
        eventsPruned = Counter.builder("ehrflow.sink.events.pruned")
                .description("source events deleted by age (EHRFLOW_SINK_EVENT_RETENTION)").register(registry);
        shadowEmbedded = Counter.builder("ehrflow.sink.embeddings.shadow")
                .description("texts embedded with the model a re-index builds (dual writes)").register(registry);
        batchesSplit = Counter.builder("ehrflow.sink.batches.split")
                .description("batches that failed on their data and were replayed record by record").register(registry);
        batchSize = DistributionSummary.builder("ehrflow.sink.batch.size").description("records per batch")
                .publishPercentileHistogram().register(registry);
        embedTime = Timer.builder("ehrflow.sink.embed.time").description("model time per batch")
                .publishPercentileHistogram().register(registry);
        transactionTime = Timer.builder("ehrflow.sink.transaction.time").description("write transaction per batch")
                .publishPercentileHistogram().register(registry);
        freshness = Timer.builder("ehrflow.sink.freshness")
                .description("ingest time to committed (searchable), per chunk set")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(1)).register(registry);
    }

    /** Counts one dead letter by reason code. */
    public void deadLettered(String reasonCode) {
        Counter.builder("ehrflow.sink.dlq").tag("reason", reasonCode).description("records sent to the DLQ")
                .register(registry).increment();
    }

    /** 1 while PostgreSQL or the DLQ is failing and the sink is backing off, else 0 (also what /ready reports). */
    public void outage(BooleanSupplier inOutage) {
        Gauge.builder("ehrflow.sink.outage", () -> inOutage.getAsBoolean() ? 1 : 0)
                .description("1 while a dependency (PostgreSQL, the DLQ) fails and writes are being retried")
                .register(registry);
    }

    /** Counts one transient fault that is being retried. */
    public void retried() {
        retries.increment();
    }

    public double rowsWritten() {
        return rowsWritten.count();
    }

    public double embeddingsComputed() {
        return embedded.count();
    }

    public double embeddingsSkipped() {
        return reused.count();
    }
}
