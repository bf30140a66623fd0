package org.ehrflow.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.ehrflow.cdc.CdcCaptureApp;
import org.ehrflow.cdc.CdcConfig;
import org.ehrflow.ehrsim.EhrSchema;
import org.ehrflow.chunker.ChunkerApp;
import org.ehrflow.chunker.ChunkerConfig;
import org.ehrflow.documents.DocumentExtractorApp;
import org.ehrflow.documents.DocumentExtractorConfig;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every stage of the pipeline in one process, on a given broker and PostgreSQL cluster: the EHR database
 * ({@value #EHR_DB}, captured by Debezium) and the vector database ({@value #RAG_DB}, written by the sink).
 * The one all-in-one wiring: the demo command, the load driver and every cross-stage integration test (demo's
 * PipelineIT and GatewayPipelineIT, ops' CanaryIT and ScaleOutIT) use it, so all exercise the same stages.
 */
public final class Pipeline implements AutoCloseable {

    public static final String EHR_DB = "ehr";
    public static final String RAG_DB = "rag";
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final KafkaSettings kafka;
    private final LocalPostgres pg;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private Hl7ListenerApp listener;
    private NormalizerApp normalizer;
    private ChunkerApp chunker;
    private CdcCaptureApp cdc;
    private DocumentExtractorApp documents;
    private URI fhirBase;

    private Pipeline(KafkaSettings kafka, LocalPostgres pg) {
        this.kafka = kafka;
        this.pg = pg;
    }

    /**
     * Creates topics and databases, runs migrations and starts the sink, chunker, normaliser, CDC capture and the
     * MLLP listener (on a free port), returning once the Streams apps are running.
     *
     * @param workDir    private directory for Streams state (a fresh one per run: state must match the broker)
     * @param partitions partition count of every topic
     */
    public static Pipeline start(KafkaSettings kafka, LocalPostgres pg, Path workDir, int partitions,
            MeterRegistry registry) {
        return start(kafka, pg, workDir, partitions, registry, null);
    }

    /** As above, with the document extractor fetching {@code Binary/<id>} from {@code fhirBase} (null: none). */
    public static Pipeline start(KafkaSettings kafka, LocalPostgres pg, Path workDir, int partitions,
            MeterRegistry registry, URI fhirBase) {
        Pipeline p = new Pipeline(kafka, pg);
        p.fhirBase = fhirBase;
        try {
            p.startAll(workDir, partitions, registry);
            return p;
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    private void startAll(Path workDir, int partitions, MeterRegistry registry) {
        Secret cdcPassword = new Secret(UUID.randomUUID().toString());
        pg.createDatabase(EHR_DB);
        pg.createDatabase(RAG_DB);
        EhrSchema.migrate(pg.jdbcUrl(EHR_DB), pg.superuser(), pg.superuserPassword(), cdcPassword);
        TopicAdmin.ensureTopics(kafka, partitions, (short) 1);

        started.push(SinkApp.start(SinkConfig.defaults(kafka, pg.jdbcUrl(RAG_DB), pg.superuser(),
                pg.superuserPassword()), registry));
        // Documents go through the document extractor (Tika, C-CDA, OCR) and reach the chunker as extracted text.
        chunker = push(ChunkerApp.start(chunkerConfig(kafka, workDir.resolve("chunker")), registry));
        DocumentExtractorConfig d = DocumentExtractorConfig.defaults(kafka, workDir.resolve("documents"));
        documents = push(DocumentExtractorApp.start(fhirBase == null ? d : d.withFhirBase(fhirBase, new Secret("")),
                registry));
        NormalizerConfig n = NormalizerConfig.defaults(kafka).withStateDir(workDir.resolve("normalizer"));
        normalizer = push(NormalizerApp.start(n, registry));
        cdc = push(CdcCaptureApp.start(CdcConfig.defaults(kafka, pg.host(), pg.port(), cdcPassword), registry));
        listener = push(Hl7ListenerApp.start(ListenerConfig.defaults(kafka).withPort(0), registry));
        await("stages running", this::healthy, Duration.ofSeconds(90));
        LOG.info("pipeline started: MLLP on 127.0.0.1:{}, {} partitions", listener.port(), partitions);
    }

    /**
     * The chunker's settings in this pipeline (state in {@code stateDir}): a test that adds a second chunker to the
     * group must use the same ones, or the two instances would build different topologies.
     */
    public static ChunkerConfig chunkerConfig(KafkaSettings kafka, Path stateDir) {
        return ChunkerConfig.defaults(kafka, stateDir).withDocumentsFromExtractor(true);
    }

    private <T extends AutoCloseable> T push(T app) {
        started.push(app);
        return app;
    }

    public int mllpPort() {
        return listener.port();
    }

    public KafkaSettings kafka() {
        return kafka;
    }

    public LocalPostgres postgres() {
        return pg;
    }

    /** Whether every stage is still up (a stage that died would otherwise look like an idle pipeline). */
    public boolean healthy() {
        return normalizer.isReady() && chunker.isRunning() && cdc.isRunning() && listener.ready()
                && documents.isRunning();
    }

    /** Polls {@code condition} every 100 ms until it holds; throws naming {@code what} after {@code timeout}. */
    public static void await(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what, e);
            }
        }
    }

    /** Stops the stages in reverse start order: ingress first, sink last, so in-flight work drains downstream. */
    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable c = started.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("error stopping {}: {}", c.getClass().getSimpleName(), e.getClass().getSimpleName());
            }
        }
    }
}
