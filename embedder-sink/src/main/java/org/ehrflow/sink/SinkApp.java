package org.ehrflow.sink;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ehrflow.sink.embed.ModelRoles;
import org.ehrflow.embedding.Embedder;
import org.ehrflow.embedding.OnnxEmbedder;
import org.ehrflow.runtime.AppRunner;
import org.ehrflow.schemas.Topics;
import org.ehrflow.sink.consume.BatchProcessor;
import org.ehrflow.sink.consume.EventPruner;
import org.ehrflow.sink.consume.SinkLoop;
import org.ehrflow.sink.consume.SinkMetrics;
import org.ehrflow.sink.consume.WriteHooks;
import org.ehrflow.sink.embed.OpenAiEmbedder;
import org.ehrflow.sink.error.DlqPublisher;
import org.ehrflow.sink.consume.Retrier;
import org.ehrflow.sink.store.EventRetention;
import org.ehrflow.sink.store.Migrations;
import org.ehrflow.sink.store.OffsetStore;
import org.ehrflow.sink.store.PgSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The embedder-sink process: migrations, model, consumer, DLQ producer and the poll thread, wired. */
public final class SinkApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkApp.class);

    private final SinkLoop loop;
    private final Retrier retrier;
    private final Thread thread;
    private final PgSession pg;
    private final DlqPublisher dlq;
    private final List<Embedder> owned;
    private final KafkaClientMetrics consumerMetrics;

    private SinkApp(SinkLoop loop, Retrier retrier, Thread thread, PgSession pg,
            DlqPublisher dlq, List<Embedder> owned, KafkaClientMetrics consumerMetrics) {
        this.retrier = retrier;
        this.consumerMetrics = consumerMetrics;
        this.loop = loop;
        this.thread = thread;
        this.pg = pg;
        this.dlq = dlq;
        this.owned = owned;
    }

    /**
     * Runs the migrations, loads the configured embedder (ONNX model, or the OpenAI-compatible endpoint) and
     * starts consuming. Throws
     * {@link org.ehrflow.sink.error.SinkFatalException} naming the setting when PostgreSQL cannot be used.
     */
    public static SinkApp start(SinkConfig config, MeterRegistry registry) {
        Migrations.run(config.jdbcUrl(), config.user(), config.password());
        List<Embedder> embedders = new ArrayList<>();
        try {
            embedders.add(config.httpEmbedder() != null ? new OpenAiEmbedder(config.httpEmbedder())
                    : OnnxEmbedder.load(config.modelVariant(), config.embedThreads(), config.embedBatch()));
            if (config.nextModelVariant() != null) {
                embedders.add(OnnxEmbedder.load(config.nextModelVariant(), config.embedThreads(),
                        OnnxEmbedder.defaultMaxBatch(config.nextModelVariant())));
            }
            return start(config, registry, embedders, embedders, WriteHooks.NONE);
        } catch (RuntimeException e) {
            embedders.forEach(Embedder::close);
            throw e;
        }
    }

    /** As {@link #start(SinkConfig, MeterRegistry)} with a caller-owned embedder (not closed by {@link #close()}). */
    public static SinkApp start(SinkConfig config, MeterRegistry registry, Embedder embedder) {
        return start(config, registry, embedder, WriteHooks.NONE);
    }

    /** As {@link #start(SinkConfig, MeterRegistry, Embedder)} with fault-injection {@code hooks} (tests). */
    public static SinkApp start(SinkConfig config, MeterRegistry registry, Embedder embedder, WriteHooks hooks) {
        Migrations.run(config.jdbcUrl(), config.user(), config.password());
        return start(config, registry, List.of(embedder), List.of(), hooks);
    }

    /**
     * As {@link #start(SinkConfig, MeterRegistry, Embedder)} with a second caller-owned model for a re-index: the
     * sink writes its vectors too while a re-index builds it, and serves it after the switch.
     */
    public static SinkApp start(SinkConfig config, MeterRegistry registry, Embedder embedder, Embedder next) {
        Migrations.run(config.jdbcUrl(), config.user(), config.password());
        return start(config, registry, List.of(embedder, next), List.of(), WriteHooks.NONE);
    }

    private static SinkApp start(SinkConfig config, MeterRegistry registry, List<Embedder> embedders,
            List<Embedder> owned, WriteHooks hooks) {
        ModelRoles.register(config.jdbcUrl(), config.user(), config.password(), embedders);
        LOG.info("starting {} with {}, models {}", Topics.APP_EMBEDDER_SINK, config,
                embedders.stream().map(Embedder::modelName).toList());
        PgSession pg = new PgSession(config.jdbcUrl(), config.user(), config.password());
        DlqPublisher dlq = new DlqPublisher(new KafkaProducer<>(config.dlqProducerProperties(), new StringSerializer(),
                Topics.dlq(Topics.APP_EMBEDDER_SINK).valueSerde().serializer()));
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config.consumerProperties());
        // The consumer's own metrics (fetch latency, records lag, rebalances) beside the sink's.
        KafkaClientMetrics consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(registry);
        SinkMetrics metrics = new SinkMetrics(registry);
        OffsetStore offsets = new OffsetStore(Topics.APP_EMBEDDER_SINK);
        SinkLoop[] self = new SinkLoop[1];
        Retrier retrier = new Retrier(pg, config.retryInitial(), config.retryMax(),
                () -> self[0] == null || self[0].isRunning(), () -> metrics.retried());
        metrics.outage(retrier::failing);
        BatchProcessor processor = new BatchProcessor(pg, offsets, embedders, dlq, retrier, metrics, hooks);
        EventPruner pruner = new EventPruner(pg, retrier, metrics, new EventRetention(config.eventRetention(), 10_000));
        SinkLoop loop = new SinkLoop(consumer, processor, pruner, pg, offsets, retrier, config.batchSize(),
                config.linger(),
                config.pollTimeout(), config.commitToKafka());
        self[0] = loop;
        Thread t = new Thread(loop, Topics.APP_EMBEDDER_SINK + "-poll");
        t.start();
        return new SinkApp(loop, retrier, t, pg, dlq, owned, consumerMetrics);
    }

    /** Polling and writing. */
    public boolean isRunning() {
        return loop.isRunning() && thread.isAlive();
    }

    /** What /ready reports: running, and not backing off from a PostgreSQL or DLQ outage. */
    public boolean isReady() {
        return isRunning() && !retrier.failing();
    }

    /** Why the sink stopped on its own (fatal configuration, unexpected fault), or null. */
    public Throwable failure() {
        return loop.failure();
    }

    @Override
    public void close() {
        loop.stop();
        try {
            thread.join(Duration.ofSeconds(60).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumerMetrics.close();
        dlq.close();
        pg.close();
        owned.forEach(Embedder::close);
    }

    public static void main(String[] args) {
        AppRunner.main(Topics.APP_EMBEDDER_SINK, SinkConfig::fromEnv,
                c -> new AppRunner.OpsAddress(c.opsHost(), c.opsPort()), (c, registry) -> {
                    SinkApp app = start(c, registry);
                    return AppRunner.running(app, app::isReady, () -> app.isRunning() ? null
                            : "the sink loop stopped (" + (app.failure() == null ? "no cause"
                                    : app.failure().getClass().getSimpleName()) + ")");
                });
    }
}
