package org.ehrflow.normalizer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.ehrflow.normalizer.topology.NormalizerMetrics;
import org.ehrflow.normalizer.topology.NormalizerTopology;
import org.ehrflow.runtime.OpsEndpoint;
import org.ehrflow.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running normaliser (wiring only): Kafka Streams over {@link NormalizerTopology} with metrics bound. */
public final class NormalizerApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NormalizerApp.class);

    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;

    private NormalizerApp(KafkaStreams streams, KafkaStreamsMetrics streamsMetrics) {
        this.streams = streams;
        this.streamsMetrics = streamsMetrics;
    }

    /** Builds and starts the Streams app; topics must exist (TopicAdmin.ensureTopics). */
    public static NormalizerApp start(NormalizerConfig config, MeterRegistry registry) {
        LOG.info("starting {} against {} (state {}, threads {}, commit {})", config.applicationId(), config.kafka(),
                config.stateDir(), config.streamThreads(), config.commitInterval());
        KafkaStreams streams = new KafkaStreams(NormalizerTopology.build(config, new NormalizerMetrics(registry)),
                config.streamsProperties());
        streams.setUncaughtExceptionHandler(e -> {
            // Mapping failures never get here (they are dead-lettered); what does is transient: retry on a new thread.
            LOG.error("stream thread failed ({}); replacing it", e.getClass().getSimpleName());
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        KafkaStreamsMetrics bound = new KafkaStreamsMetrics(streams);
        bound.bindTo(registry);
        streams.start();
        return new NormalizerApp(streams, bound);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Running or rebalancing: the app is doing its job or about to. */
    public boolean isReady() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        streamsMetrics.close();
    }

    public static void main(String[] args) throws InterruptedException {
        NormalizerConfig config = NormalizerConfig.fromEnv(System.getenv());
        OpsEndpoint ops = OpsEndpoint.start(Topics.APP_FHIR_NORMALIZER, config.opsHost(), config.opsPort());
        NormalizerApp app = start(config, ops.registry());
        ops.readiness(app::isReady);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            ops.close();
            stopped.countDown();
        }, "fhir-normalizer-shutdown"));
        LOG.info("ops endpoint on port {}", ops.port());
        stopped.await();
    }
}
