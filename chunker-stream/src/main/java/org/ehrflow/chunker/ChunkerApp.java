package org.ehrflow.chunker;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.ehrflow.chunker.chunking.ResourceChunker;
import org.ehrflow.chunker.chunking.TextChunker;
import org.ehrflow.chunker.chunking.phi.PhiDetector;
import org.ehrflow.chunker.topology.ChunkerMetrics;
import org.ehrflow.chunker.topology.ChunkerTopology;
import org.ehrflow.embedding.ModelTokenizer;
import org.ehrflow.embedding.WordPieceTokenizer;
import org.ehrflow.runtime.AppRunner;
import org.ehrflow.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The chunker-stream process: wires tokenizer, chunker and topology into a running Kafka Streams app. */
public final class ChunkerApp implements AppRunner.Running {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkerApp.class);

    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private final ModelTokenizer tokenizer;

    private ChunkerApp(KafkaStreams streams, KafkaStreamsMetrics streamsMetrics, ModelTokenizer tokenizer) {
        this.streams = streams;
        this.streamsMetrics = streamsMetrics;
        this.tokenizer = tokenizer;
    }

    /** Starts the app; topics must exist (see TopicAdmin). Close it to stop. */
    public static ChunkerApp start(ChunkerConfig config, MeterRegistry registry) {
        LOG.info("starting {} with {}", Topics.APP_CHUNKER, config);
        ModelTokenizer tokenizer = ModelTokenizer.load(config.modelVariant());
        try {
            ResourceChunker chunker = new ResourceChunker(
                    new TextChunker(WordPieceTokenizer.over(tokenizer), config.chunking()),
                    PhiDetector.patternsOnly(), config.deidentify());
            KafkaStreams streams = new KafkaStreams(ChunkerTopology.build(chunker, new ChunkerMetrics(registry),
                    config.documentsFromExtractor()),
                    config.streamsProperties());
            // Poison input never throws out of the chunk step; what gets here is a broker or state fault. Stop
            // rather than drop: lag grows and alerts fire. Class name only: messages may quote record content.
            streams.setUncaughtExceptionHandler(e -> {
                LOG.error("stream thread failed ({}); shutting down", e.getClass().getSimpleName());
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(streams);
            metrics.bindTo(registry);
            streams.start();
            return new ChunkerApp(streams, metrics, tokenizer);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Running or rebalancing: started and not stopped. */
    public boolean isRunning() {
        return streams.state().isRunningOrRebalancing();
    }

    @Override
    public boolean ready() {
        return AppRunner.streamsReady(streams.state());
    }

    @Override
    public String failure() {
        return AppRunner.streamsFailure("Kafka Streams", streams.state());
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        streamsMetrics.close();
        tokenizer.close();
    }

    public static void main(String[] args) {
        AppRunner.main(Topics.APP_CHUNKER, ChunkerConfig::fromEnv,
                c -> new AppRunner.OpsAddress(c.opsHost(), c.opsPort()), ChunkerApp::start);
    }
}
