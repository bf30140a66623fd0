package org.ehrflow.demo;

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
 * Used by the demo command and the end-to-end test, so both exercise the same wiring.
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
    private java.net.URI fhirBase;

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
            MeterRegistry registry, java.net.URI fhirBase) {
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
        Secret cdcPassword = new Secret(java.util.UUID.randomUUID().toString());
        pg.createDatabase(EHR_DB);
        pg.createDatabase(RAG_DB);
        EhrSchema.migrate(pg.jdbcUrl(EHR_DB), pg.superuser(), pg.superuserPassword(), cdcPassword);
        TopicAdmin.ensureTopics(kafka, partitions, (short) 1);

        started.push(SinkApp.start(SinkConfig.defaults(kafka, pg.jdbcUrl(RAG_DB), pg.superuser(),
                pg.superuserPassword()), registry));
        // Documents go through the document extractor (Tika, C-CDA, OCR) and reach the chunker as extracted text.
        chunker = push(ChunkerApp.start(ChunkerConfig.defaults(kafka, workDir.resolve("chunker"))
                .withDocumentsFromExtractor(true), registry));
        DocumentExtractorConfig d = DocumentExtractorConfig.defaults(kafka, workDir.resolve("documents"));
        documents = push(DocumentExtractorApp.start(fhirBase == null ? d : d.withFhirBase(fhirBase, new Secret("")),
                registry));
        NormalizerConfig n = NormalizerConfig.defaults(kafka).withStateDir(workDir.resolve("normalizer"));
        normalizer = push(NormalizerApp.start(n, registry));
        cdc = push(CdcCaptureApp.start(CdcConfig.defaults(kafka, pg.host(), pg.port(), cdcPassword), registry));
        listener = push(Hl7ListenerApp.start(ListenerConfig.defaults(kafka).withPort(0), registry));
        await("stream apps running", () -> normalizer.isReady() && chunker.isRunning() && documents.isRunning(),
                Duration.ofSeconds(90));
        LOG.info("pipeline started: MLLP on 127.0.0.1:{}, {} partitions", listener.port(), partitions);
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

    static void await(String what, BooleanSupplier condition, Duration timeout) {
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
