package org.ehrflow.documents.topology;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import org.ehrflow.schemas.DocumentText;

/**
 * The document extractor's meters, per lane. Labels are codes, lanes and MIME types, never payload text.
 * Under exactly-once a retried transaction counts its records again: these are rates, not ledgers.
 */
public final class ExtractorMetrics {

    private final MeterRegistry registry;
    private final String lane;
    private final Timer duration;

    public ExtractorMetrics(MeterRegistry registry, String lane) {
        this.registry = registry;
        this.lane = lane;
        this.duration = Timer.builder("ehrflow.documents.record.duration").tag("lane", lane)
                .description("time to extract one document").register(registry);
    }

    void extracted(DocumentText d) {
        registry.counter("ehrflow.documents.extracted", "lane", lane, "op", d.op().name(),
                "resource_type", d.resourceType()).increment();
        registry.counter("ehrflow.documents.sections", "lane", lane).increment(d.sections().size());
        long ocr = d.sections().stream().filter(s -> s.citation() != null && s.citation().ocr()).count();
        long low = d.sections().stream().filter(s -> s.citation() != null && s.citation().lowConfidence()).count();
        registry.counter("ehrflow.documents.ocr.pages", "lane", lane).increment(ocr);
        registry.counter("ehrflow.documents.ocr.low_confidence_pages", "lane", lane).increment(low);
        skipped(d.skipped());
    }

    void slowLane() {
        registry.counter("ehrflow.documents.slow_lane", "lane", lane).increment();
    }

    void transientRetry() {
        registry.counter("ehrflow.documents.fetch.retries", "lane", lane).increment();
    }

    void deadLetter(String reasonCode, String mimeType) {
        registry.counter("ehrflow.documents.dlq", "lane", lane, "reason", reasonCode, "mime_type",
                mimeType == null ? "" : mimeType).increment();
    }

    private void skipped(Map<String, Integer> skipped) {
        skipped.forEach((reason, n) -> registry.counter("ehrflow.documents.attachments.skipped", "lane", lane,
                "reason", reason).increment(n));
    }

    Timer duration() {
        return duration;
    }
}
