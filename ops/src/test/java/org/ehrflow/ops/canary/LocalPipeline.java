package org.ehrflow.ops.canary;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BooleanSupplier;
import org.ehrflow.cdc.CdcCaptureApp;
import org.ehrflow.cdc.CdcConfig;
import org.ehrflow.ehrsim.EhrSchema;
import org.ehrflow.chunker.ChunkerApp;
import org.ehrflow.chunker.ChunkerConfig;
import org.ehrflow.listener.Hl7ListenerApp;
import org.ehrflow.listener.ListenerConfig;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.normalizer.NormalizerApp;
import org.ehrflow.normalizer.NormalizerConfig;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.sink.SinkApp;
import org.ehrflow.sink.SinkConfig;

/**
 * Every stage in this JVM on a local broker and PostgreSQL (as the demo's Pipeline, which ops cannot depend on):
 * EHR database "ehr" (captured), vector database "rag" (written by the sink).
 */
public final class LocalPipeline implements AutoCloseable {

    public static final String EHR_DB = "ehr";
    public static final String RAG_DB = "rag";

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    final Secret cdcPassword = new Secret(java.util.UUID.randomUUID().toString());
    private Hl7ListenerApp listener;

    public int mllpPort() {
        return listener.port();
    }

    public static LocalPipeline start(KafkaSettings kafka, LocalPostgres pg, Path workDir, MeterRegistry registry) {
        return start(kafka, pg, workDir, registry, 2);
    }

    public static LocalPipeline start(KafkaSettings kafka, LocalPostgres pg, Path workDir, MeterRegistry registry,
            int partitions) {
        LocalPipeline p = new LocalPipeline();
        try {
            pg.createDatabase(EHR_DB);
            pg.createDatabase(RAG_DB);
            EhrSchema.migrate(pg.jdbcUrl(EHR_DB), pg.superuser(), pg.superuserPassword(), p.cdcPassword);
            TopicAdmin.ensureTopics(kafka, partitions, (short) 1);
            p.started.push(SinkApp.start(SinkConfig.defaults(kafka, pg.jdbcUrl(RAG_DB), pg.superuser(),
                    pg.superuserPassword()), registry));
            ChunkerApp chunker = ChunkerApp.start(ChunkerConfig.defaults(kafka, workDir.resolve("chunker")), registry);
            p.started.push(chunker);
            NormalizerApp normalizer = NormalizerApp.start(NormalizerConfig.defaults(kafka)
                    .withStateDir(workDir.resolve("normalizer")), registry);
            p.started.push(normalizer);
            CdcCaptureApp cdc = CdcCaptureApp.start(CdcConfig.defaults(kafka, pg.host(), pg.port(), p.cdcPassword),
                    registry);
            p.started.push(cdc);
            p.listener = Hl7ListenerApp.start(ListenerConfig.defaults(kafka).withPort(0), registry);
            p.started.push(p.listener);
            await(() -> normalizer.isReady() && chunker.isRunning() && cdc.isRunning() && p.listener.ready(),
                    Duration.ofSeconds(90));
            return p;
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    public static void await(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for the pipeline");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                // keep stopping the others
            }
        }
    }
}
