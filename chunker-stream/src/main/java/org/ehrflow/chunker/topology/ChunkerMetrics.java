package org.ehrflow.chunker.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import org.ehrflow.schemas.Chunk;
import org.ehrflow.schemas.ChunkSet;

/**
 * The chunker's meters. Labels are codes and FHIR type names only, never anything from a payload.
 * Under exactly-once a retried transaction counts its records again: these are rates, not ledgers.
 */
public final class ChunkerMetrics {

    private final MeterRegistry registry;
    private final Counter chunks;
    private final DistributionSummary tokens;
    private final Timer duration;

    public ChunkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.chunks = Counter.builder("ehrflow.chunker.chunks").description("chunks emitted").register(registry);
        this.tokens = DistributionSummary.builder("ehrflow.chunker.chunk.tokens")
                .description("tokens per chunk, [CLS] and [SEP] included")
                .serviceLevelObjectives(16, 32, 64, 96, 112, 120, 128)
                .register(registry);
        this.duration = Timer.builder("ehrflow.chunker.record.duration")
                .description("time to chunk one record").register(registry);
    }

    void set(ChunkSet set) {
        registry.counter("ehrflow.chunker.sets", "op", set.op().name(), "resource_type", set.resourceType())
                .increment();
        chunks.increment(set.chunks().size());
        for (Chunk c : set.chunks()) {
            tokens.record(c.tokenCount());
        }
    }

    void skippedAttachments(Map<String, Integer> skipped) {
        skipped.forEach((reason, n) -> registry.counter("ehrflow.chunker.attachments.skipped", "reason", reason)
                .increment(n));
    }

    void unsupported(String resourceType) {
        registry.counter("ehrflow.chunker.unsupported", "resource_type", resourceType).increment();
    }

    void staleDocument(String resourceType) {
        registry.counter("ehrflow.chunker.documents.stale", "resource_type", resourceType).increment();
    }

    void deferredToExtractor(String resourceType) {
        registry.counter("ehrflow.chunker.documents.deferred", "resource_type", resourceType).increment();
    }

    /** A retired patient's late record sent on to the survivor's task ({@code MergeRedirects}). */
    void redirected(String resourceType) {
        registry.counter("ehrflow.chunker.records.redirected", "resource_type", resourceType).increment();
    }

    void deadLetter(String reasonCode) {
        registry.counter("ehrflow.chunker.dlq", "reason", reasonCode).increment();
    }

    Timer duration() {
        return duration;
    }
}
