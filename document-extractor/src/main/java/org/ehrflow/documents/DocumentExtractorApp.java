package org.ehrflow.documents;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.ehrflow.documents.extract.DocumentExtractor;
import org.ehrflow.documents.extract.TesseractOcr;
import org.ehrflow.documents.fetch.FhirBinaryClient;
import org.ehrflow.documents.mapping.DocumentMapper;
import org.ehrflow.documents.topology.ExtractorMetrics;
import org.ehrflow.documents.topology.ExtractorTopology;
import org.ehrflow.runtime.AppRunner;
import org.ehrflow.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The document-extractor process: two Kafka Streams applications in one JVM, the fast lane and the slow (OCR
 * and fetch) lane, each with its own threads, consumer group and exactly-once transactions, so a burst of scans
 * queues in the slow lane's topic while small documents keep flowing.
 */
public final class DocumentExtractorApp implements AppRunner.Running {

    private static final Logger LOG = LoggerFactory.getLogger(DocumentExtractorApp.class);

    private final KafkaStreams fast;
    private final KafkaStreams slow;
    private final KafkaStreamsMetrics fastMetrics;
    private final KafkaStreamsMetrics slowMetrics;
    private final DocumentExtractor fastExtractor;
    private final DocumentExtractor slowExtractor;

    private DocumentExtractorApp(KafkaStreams fast, KafkaStreams slow, KafkaStreamsMetrics fastMetrics,
            KafkaStreamsMetrics slowMetrics, DocumentExtractor fastExtractor, DocumentExtractor slowExtractor) {
        this.fast = fast;
        this.slow = slow;
        this.fastMetrics = fastMetrics;
        this.slowMetrics = slowMetrics;
        this.fastExtractor = fastExtractor;
        this.slowExtractor = slowExtractor;
    }

    /** Starts the configured lanes (both by default); topics must exist (see TopicAdmin). Close it to stop. */
    public static DocumentExtractorApp start(DocumentExtractorConfig config, MeterRegistry registry) {
        LOG.info("starting {} and {} with {}", Topics.APP_DOCUMENT_EXTRACTOR, Topics.APP_DOCUMENT_OCR, config);
        TesseractOcr ocr = new TesseractOcr(config.ocrCommand(), config.ocrLanguage(), config.ocrNiceness());
        if (!ocr.available()) {
            // Scans would pile up in the slow lane unread: say so at start, loudly, but keep the fast lane up.
            LOG.error("OCR command '{}' does not run: scanned documents will fail with OCR_FAILED",
                    config.ocrCommand());
        }
        DocumentExtractorConfig.Lanes lanes = config.lanes();
        boolean runFast = lanes != DocumentExtractorConfig.Lanes.SLOW;
        boolean runSlow = lanes != DocumentExtractorConfig.Lanes.FAST;
        DocumentExtractor fastExtractor = runFast ? new DocumentExtractor(config.limits(), null) : null;
        DocumentExtractor slowExtractor = runSlow ? new DocumentExtractor(config.limits(), ocr) : null;
        KafkaStreams fast = runFast ? new KafkaStreams(ExtractorTopology.fastLane(
                new DocumentMapper(fastExtractor, null), new ExtractorMetrics(registry, "fast")),
                config.fastLaneProperties()) : null;
        KafkaStreams slow = runSlow ? new KafkaStreams(ExtractorTopology.slowLane(
                new DocumentMapper(slowExtractor, new FhirBinaryClient(config.fetch())),
                new ExtractorMetrics(registry, "slow"), config.fetchRetryFor()), config.slowLaneProperties()) : null;
        KafkaStreamsMetrics fm = null;
        KafkaStreamsMetrics sm = null;
        if (fast != null) {
            fast.setUncaughtExceptionHandler(e -> {
                LOG.error("fast lane thread failed ({}); shutting down", e.getClass().getSimpleName());
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            fm = new KafkaStreamsMetrics(fast);
            fm.bindTo(registry);
            fast.start();
        }
        if (slow != null) {
            // A slow-lane failure that gets here is a fetch still failing after its retries: replace the thread,
            // so the record is read again from the last commit. Delayed, never dropped.
            slow.setUncaughtExceptionHandler(e -> {
                LOG.warn("slow lane thread failed ({}); replacing it", e.getClass().getSimpleName());
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            sm = new KafkaStreamsMetrics(slow);
            sm.bindTo(registry);
            slow.start();
        }
        return new DocumentExtractorApp(fast, slow, fm, sm, fastExtractor, slowExtractor);
    }

    /** Both lanes running (or rebalancing): what /ready reports. */
    public boolean isRunning() {
        return (fast == null || fast.state().isRunningOrRebalancing())
                && (slow == null || slow.state().isRunningOrRebalancing());
    }

    @Override
    public boolean ready() {
        return (fast == null || AppRunner.streamsReady(fast.state()))
                && (slow == null || AppRunner.streamsReady(slow.state()));
    }

    @Override
    public String failure() {
        String f = fast == null ? null : AppRunner.streamsFailure("the fast lane", fast.state());
        return f != null ? f : slow == null ? null : AppRunner.streamsFailure("the slow lane", slow.state());
    }

    @Override
    public void close() {
        for (KafkaStreams s : new KafkaStreams[] {fast, slow}) {
            if (s != null) {
                s.close(Duration.ofSeconds(30));
            }
        }
        for (AutoCloseable c : new AutoCloseable[] {fastMetrics, slowMetrics, fastExtractor, slowExtractor}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("error closing {}", e.getClass().getSimpleName());
                }
            }
        }
    }

    public static void main(String[] args) {
        AppRunner.main(Topics.APP_DOCUMENT_EXTRACTOR, DocumentExtractorConfig::fromEnv,
                c -> new AppRunner.OpsAddress(c.opsHost(), c.opsPort()), DocumentExtractorApp::start);
    }
}
