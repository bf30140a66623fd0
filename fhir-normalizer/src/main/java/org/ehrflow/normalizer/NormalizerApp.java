package org.ehrflow.normalizer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.ehrflow.normalizer.topology.NormalizerMetrics;
import org.ehrflow.normalizer.topology.NormalizerTopology;
import org.ehrflow.runtime.AppRunner;
import org.ehrflow.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running normaliser (wiring only): Kafka Streams over {@link NormalizerTopology} with metrics bound. */
public final class NormalizerApp implements AppRunner.Running {

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
            // Mapping failures never get here (they are dead-lettered); what does is a broker or state fault. The
            // same policy as every stream app: stop, and let the runner exit 1 for the orchestrator to restart
            // (static membership gets the partitions back at once). Class name only: messages may quote records.
            LOG.error("stream thread failed ({}); shutting down", e.getClass().getSimpleName());
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        KafkaStreamsMetrics bound = new KafkaStreamsMetrics(streams);
        bound.bindTo(registry);
        streams.start();
        return new NormalizerApp(streams, bound);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Running: every task assigned and processing (not while rebalancing or restoring). */
    public boolean isReady() {
        return AppRunner.streamsReady(streams.state());
    }

    @Override
    public boolean ready() {
        return isReady();
    }

    @Override
    public String failure() {
        return AppRunner.streamsFailure("Kafka Streams", streams.state());
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        streamsMetrics.close();
    }

    public static void main(String[] args) {
        AppRunner.main(Topics.APP_FHIR_NORMALIZER, NormalizerConfig::fromEnv,
                c -> new AppRunner.OpsAddress(c.opsHost(), c.opsPort()), NormalizerApp::start);
    }
}
