package org.ehrflow.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.ehrflow.demo.sources.DemoFhirServer;
import org.ehrflow.demo.sources.FhirPublisher;
import org.ehrflow.demo.sources.Hl7Sender;
import org.ehrflow.demo.sources.SyntheticDocuments;
import org.ehrflow.demo.sources.SyntheticEhr;
import org.ehrflow.demo.sources.SyntheticHl7;
import org.ehrflow.ehrsim.EhrWriter;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.embedding.OnnxEmbedder;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.localstack.TopicReader;
import org.ehrflow.pipeline.Pipeline;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.DlqHeaders;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.Topics;
import org.ehrflow.sink.search.ChunkSearch;
import org.ehrflow.sink.search.HybridHit;
import org.ehrflow.sink.search.HybridQuery;
import org.ehrflow.sink.search.SearchFilter;
import org.ehrflow.sink.search.SearchHit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * End to end on real components: a KRaft broker, PostgreSQL with pgvector, a real MLLP socket, Debezium on a real
 * replication slot and the real embedding model. HL7 v2 over MLLP, a FHIR bundle and CDC insert/update/delete all
 * end up as searchable rows with provenance in the right patient partition; the malformed message is rejected and
 * dead-lettered while good ones flow; the update replaces rows and the delete removes them; no sentinel PHI in logs;
 * a note stored twice (Synthea's DocumentReference + DiagnosticReport) is one hit citing both, an encounter story
 * cites the exact Observation it states, and search filters hold.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class PipelineIT {

    private static final Path CORPUS = Path.of("..", "..", "shared", "corpus");
    private static final String SHARED_KEY = PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM,
            SyntheticEhr.SHARED_MRN);

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private LocalPostgres pg;
    private KafkaFixture kafka;
    private Pipeline pipeline;
    private Path work;
    private SyntheticEhr.Activity ehrActivity;
    private TwinVisit twinVisit;
    private final List<String> acks = new ArrayList<>();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private static final String DOCS_KEY = PatientKey.of(SyntheticDocuments.MRN_SYSTEM, SyntheticDocuments.MRN);
    private DemoFhirServer fhirServer;

    @BeforeAll
    void runEverySourceThroughThePipeline() throws Exception {
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        work = Files.createTempDirectory("ehrflow-pipeline-it-");
        pg = LocalPostgres.startTemporary();
        kafka = KafkaFixture.start();
        // The EHR's FHIR server, where the C-CDA behind a DocumentReference's Binary/<id> lives.
        fhirServer = new DemoFhirServer().put(SyntheticDocuments.CCDA_BINARY_ID, "application/hl7-v3+xml",
                Files.readAllBytes(CORPUS.resolve("documents").resolve("ccda_progress_note_msfhirconv_01.xml")));
        pipeline = Pipeline.start(KafkaSettings.of(kafka.bootstrapServers()), pg, work, 4, metrics,
                fhirServer.base());

        Hl7Sender hl7 = new Hl7Sender("127.0.0.1", pipeline.mllpPort());
        acks.add(hl7.send(SyntheticHl7.admit("IT-ADT-1")));
        acks.add(hl7.send(SyntheticHl7.garbage()));
        acks.add(hl7.send(SyntheticHl7.troponin("IT-ORU-1")));
        acks.add(hl7.send(SyntheticHl7.dischargeSummary("IT-MDM-1")));
        // The sender lost our ACK and retries: the same message, the same MSH-10, a second time.
        acks.add(hl7.send(SyntheticHl7.troponin("IT-ORU-1")));
        // Documents (issue 12): a scanned PDF and a windows-1252 HTML report inside HL7 ED over MLLP, and a C-CDA
        // by reference (DocumentReference -> Binary/<id> on the FHIR server).
        acks.add(hl7.send(SyntheticDocuments.oruWithDocument("IT-DOC-SCAN-1", "PATH-1", "11526-1^Pathology study^LN",
                "AP", "PDF", SyntheticDocuments.scannedPathologyPdf())));
        acks.add(hl7.send(SyntheticDocuments.oruWithDocument("IT-DOC-NBS-1", "NBS-1",
                "57128-1^Newborn screening report^LN", "TEXT", "HTML", SyntheticDocuments.newbornScreenHtml())));
        try (FhirPublisher fhir = new FhirPublisher(pipeline.kafka(), "synthea-it")) {
            fhir.publish(Files.readString(smallestSyntheaBundle()));
            fhir.publish(SyntheticDocuments.documentReferenceBundle());
            // One visit of a Synthea patient whose note is stored twice (DocumentReference + DiagnosticReport).
            twinVisit = TwinVisit.from(CORPUS.resolve("fhir/bundles/synthea_r4_patient_bundle_bob965_keeling57_fhirdatapipes.json"));
            fhir.publish(twinVisit.bundle());
        }
        try (EhrWriter ehr = new EhrWriter(pg.jdbcUrl(Pipeline.EHR_DB), pg.superuser(), pg.superuserPassword())) {
            ehrActivity = SyntheticEhr.run(ehr);
        }
        new DrainWatcher(pipeline, System.out).awaitDrained(Duration.ofSeconds(3), Duration.ofMinutes(5));
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
        if (fhirServer != null) {
            fhirServer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (pg != null) {
            pg.close();
        }
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        if (work != null) {
            try (var s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void malformedMessageIsRejectedAndDeadLetteredWhileGoodOnesFlow() {
        assertThat(acks).containsExactly("AA", "AR", "AA", "AA", "AA", "AA", "AA");
        List<ConsumerRecord<String, byte[]>> dlq = readAll(Topics.dlq(Topics.APP_HL7_LISTENER).name());
        assertThat(dlq).hasSize(1);
        ConsumerRecord<String, byte[]> r = dlq.get(0);
        assertThat(header(r, DlqHeaders.REASON)).isNotBlank();
        DeadLetter dl = Topics.dlq(Topics.APP_HL7_LISTENER).valueSerde().deserializer().deserialize("", r.value());
        assertThat(new String(dl.original(), StandardCharsets.UTF_8)).isEqualTo(SyntheticHl7.garbage());
    }

    @Test
    void everySourceLandsAsRowsWithProvenance() throws SQLException {
        try (Connection c = rag()) {
            assertThat(count(c, "SELECT count(*) FROM ehrflow.chunk WHERE source_type = 'HL7V2'")).isPositive();
            assertThat(count(c, "SELECT count(*) FROM ehrflow.chunk WHERE source_type = 'FHIR'")).isPositive();
            assertThat(count(c, "SELECT count(*) FROM ehrflow.chunk WHERE source_type = 'CDC'")).isPositive();
            // HL7 rows cite the message that carried them and the raw record's Kafka position.
            assertThat(count(c, "SELECT count(*) FROM ehrflow.chunk WHERE source_message_id = 'IT-MDM-1' "
                    + "AND raw_topic = 'ehr.raw.hl7v2.v1' AND raw_offset >= 0 AND note_type IS NOT NULL "
                    + "AND ingest_time IS NOT NULL AND model_name IS NOT NULL")).isPositive();
            // The same patient via HL7 (PID-3 MRN^^^HOSP) and CDC (patients.mrn) is one patient key.
            assertThat(strings(c, "SELECT DISTINCT source_type FROM ehrflow.chunk WHERE patient_key = ?", SHARED_KEY))
                    .contains("HL7V2", "CDC");
        }
    }

    @Test
    void everySinkBatchCommittedWholeWithoutFallingBackRecordByRecord() {
        // One HL7 message yields several chunk sets sharing its message id: they must not collide in one batch.
        assertThat(metrics.counter("ehrflow.sink.batches.split").count()).isZero();
        assertThat(metrics.counter("ehrflow.sink.chunk.sets").count()).isPositive();
    }

    @Test
    void kafkaClientAndStreamsMetricsAreExportedBesideTheStagesOwn() {
        List<String> names = metrics.getMeters().stream().map(m -> m.getId().getName()).distinct().toList();
        assertThat(names).anyMatch(n -> n.startsWith("kafka.producer."))
                .anyMatch(n -> n.startsWith("kafka.consumer."))
                .anyMatch(n -> n.startsWith("kafka.stream."))
                .anyMatch(n -> n.startsWith("ehrflow.listener."))
                .anyMatch(n -> n.startsWith("ehrflow.sink."));
    }

    @Test
    void aRetriedMessageConvergesOnTheSameResourcesAndRows() throws SQLException {
        try (Connection c = rag()) {
            // The troponin ORU was accepted twice; its deterministic ids make the second copy an update.
            assertThat(count(c, "SELECT count(*) FROM ehrflow.source_record WHERE source_message_id = 'IT-ORU-1' "
                    + "AND resource_type = 'Observation'")).isEqualTo(1);
            assertThat(count(c, "SELECT count(*) FROM ehrflow.source_record WHERE source_message_id = 'IT-ORU-1' "
                    + "AND resource_type = 'DiagnosticReport'")).isEqualTo(1);
            assertThat(count(c, "SELECT count(*) FROM (SELECT text FROM ehrflow.chunk WHERE patient_key = '"
                    + SHARED_KEY + "' GROUP BY text HAVING count(*) > 1) dup")).isZero();
        }
    }

    @Test
    void rowsLiveInTheirPatientsHashPartition() throws SQLException {
        try (Connection c = rag()) {
            // One patient, one partition.
            assertThat(count(c, "SELECT count(*) FROM (SELECT patient_key FROM ehrflow.chunk GROUP BY patient_key "
                    + "HAVING count(DISTINCT tableoid) > 1) x")).isZero();
            // And that partition is the one PostgreSQL's hash of the patient key names.
            assertThat(count(c, """
                    SELECT count(*) FROM ehrflow.chunk ch
                    JOIN pg_inherits i ON i.inhrelid = ch.tableoid
                    JOIN pg_class p ON p.oid = i.inhrelid
                    WHERE NOT satisfies_hash_partition('ehrflow.chunk'::regclass,
                        (SELECT count(*)::int FROM pg_inherits WHERE inhparent = 'ehrflow.chunk'::regclass),
                        substring(pg_get_expr(p.relpartbound, p.oid) FROM 'remainder ([0-9]+)')::int,
                        ch.patient_key)""")).isZero();
            assertThat(count(c, "SELECT count(DISTINCT tableoid) FROM ehrflow.chunk")).isGreaterThan(1);
        }
    }

    @Test
    void anUpdateReplacesRowsAndADeleteRemovesThem() throws SQLException {
        try (Connection c = rag()) {
            String amended = "DocumentReference/cdc-note-" + ehrActivity.amendedNoteId();
            assertThat(strings(c, "SELECT text FROM ehrflow.chunk WHERE source_id = ?", amended))
                    .anyMatch(t -> t.contains("Addendum"));
            // Only the latest version's rows remain.
            assertThat(count(c, "SELECT count(DISTINCT resource_version) FROM ehrflow.chunk WHERE source_id = '"
                    + amended + "'")).isEqualTo(1);
            String deleted = "DocumentReference/cdc-note-" + ehrActivity.deletedNoteId();
            assertThat(count(c, "SELECT count(*) FROM ehrflow.chunk WHERE source_id = '" + deleted + "'")).isZero();
        }
    }

    @Test
    void patientScopedSearchFindsThePatientsOwnNotes() throws Exception {
        try (Connection c = rag(); OnnxEmbedder embedder = OnnxEmbedder.load(ModelVariant.INT8)) {
            float[] q = embedder.embed(List.of("Which antiplatelet therapy was prescribed at discharge?")).get(0);
            List<SearchHit> hits = ChunkSearch.search(c, SHARED_KEY, q, 3);
            assertThat(hits).isNotEmpty();
            assertThat(hits.get(0).text()).contains("ticagrelor");
            assertThat(hits.get(0).sourceMessageId()).isEqualTo("IT-MDM-1");
            assertThatThrownBy(() -> ChunkSearch.search(c, null, q, 3)).isInstanceOf(Exception.class);
        }
    }

    @Test
    void documentsAreFoundByPatientScopedSearchCitingPageOrSection() throws Exception {
        try (Connection c = rag(); OnnxEmbedder embedder = OnnxEmbedder.load(ModelVariant.INT8)) {
            // The scan: only OCR can read it; the hit cites page 1 and says it came from OCR.
            SearchHit scan = ChunkSearch.search(c, DOCS_KEY, embedder.embed(List.of(
                    "What did the breast biopsy show?")).get(0), 1).get(0);
            assertThat(scan.sourceId()).startsWith("DiagnosticReport/");
            assertThat(scan.text()).containsIgnoringCase("fibroadenoma");
            assertThat(scan.sourceMessageId()).isEqualTo("IT-DOC-SCAN-1");
            assertThat(scan.citation().pageStart()).isEqualTo(1);
            assertThat(scan.citation().ocr()).isTrue();
            assertThat(scan.citation().ocrConfidence()).isGreaterThan(50.0);
            // The windows-1252 report, decoded by its <meta> charset (it was an ATTACHMENT_DECODE_ERROR before).
            SearchHit nbs = ChunkSearch.search(c, DOCS_KEY, embedder.embed(List.of(
                    "newborn screening phenylketonuria result")).get(0), 1).get(0);
            assertThat(nbs.sourceMessageId()).isEqualTo("IT-DOC-NBS-1");
            assertThat(nbs.text()).contains("Résultat: Normal – no follow-up needed");
            // The C-CDA fetched by reference: the hit cites its section title and LOINC code.
            SearchHit ccda = ChunkSearch.search(c, DOCS_KEY, embedder.embed(List.of(
                    "assessment of the recurrent GI bleed")).get(0), 1).get(0);
            assertThat(ccda.sourceId()).startsWith("DocumentReference/");
            assertThat(ccda.section()).isEqualTo("ASSESSMENT");
            assertThat(ccda.citation().sectionCode()).isEqualTo("LOINC|51848-0");
            assertThat(ccda.citation().ocr()).isFalse();
            // Scoped: another patient's search never returns these documents.
            assertThat(ChunkSearch.search(c, SHARED_KEY, embedder.embed(List.of("fibroadenoma")).get(0), 20))
                    .noneMatch(h -> h.text().toLowerCase(Locale.ROOT).contains("fibroadenoma"));
        }
    }

    @Test
    void storedVectorsAreTheModelsEmbeddingOfTheStoredText() throws Exception {
        try (Connection c = rag(); OnnxEmbedder embedder = OnnxEmbedder.load(ModelVariant.INT8);
                PreparedStatement ps = c.prepareStatement(
                        "SELECT text, embedding::text FROM ehrflow.chunk WHERE patient_key = ? ORDER BY chunk_id")) {
            ps.setString(1, SHARED_KEY);
            List<String> texts = new ArrayList<>();
            List<float[]> stored = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    texts.add(rs.getString(1));
                    String[] parts = rs.getString(2).replaceAll("[\\[\\]]", "").split(",");
                    float[] v = new float[parts.length];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = Float.parseFloat(parts[i]);
                    }
                    stored.add(v);
                }
            }
            assertThat(texts).isNotEmpty();
            List<float[]> fresh = embedder.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                double dot = 0;
                for (int d = 0; d < fresh.get(i).length; d++) {
                    dot += fresh.get(i)[d] * stored.get(i)[d];
                }
                assertThat(dot).as("cosine of stored vs recomputed vector, row %d", i).isGreaterThan(0.999);
            }
        }
    }

    @Test
    void twinNotesComeBackOnceStoriesCiteTheirObservationsAndFiltersHold() throws Exception {
        try (Connection c = rag(); OnnxEmbedder embedder = OnnxEmbedder.load(ModelVariant.INT8)) {
            String docRef = "DocumentReference/" + twinVisit.documentReferenceId();
            String report = "DiagnosticReport/" + twinVisit.diagnosticReportId();
            String key = strings(c, "SELECT patient_key FROM ehrflow.source_record WHERE resource_ref = ?",
                    docRef).get(0);
            // Both twins are stored with the same texts (so deleting one keeps the other's rows).
            assertThat(strings(c, "SELECT content_hash FROM ehrflow.chunk WHERE source_id = ? ORDER BY chunk_index",
                    report))
                    .isNotEmpty().isEqualTo(strings(c, "SELECT content_hash FROM ehrflow.chunk WHERE source_id = ? "
                            + "ORDER BY chunk_index", docRef));
            String noteText = strings(c, "SELECT text FROM ehrflow.chunk WHERE source_id = ? ORDER BY chunk_index",
                    docRef)
                    .get(0);
            List<HybridHit> hits = ChunkSearch.search(c, HybridQuery.of(key, noteText, embedder.embedQuery(noteText),
                    10));
            assertThat(hits.get(0).sources()).contains(docRef, report);
            assertThat(hits.stream().map(h -> h.hit().text()).distinct().count()).isEqualTo(hits.size());

            // The encounter story states the Observation and cites it, and search returns that citation.
            String obs = "Observation/" + twinVisit.observationId();
            String encounter = "Encounter/" + twinVisit.encounterId();
            assertThat(count(c, "SELECT count(*) FROM ehrflow.chunk WHERE source_id = '" + encounter
                    + "' AND cites @> ARRAY['" + obs + "']")).isPositive();
            String question = "What was the " + twinVisit.observationDisplay() + "?";
            List<HybridHit> cited = ChunkSearch.search(c, HybridQuery.of(key, question, embedder.embedQuery(question),
                    5));
            assertThat(cited).anyMatch(h -> h.cites().contains(obs));
            // The Observation is also a result of its code's series, one chunk that cites it; a note-type filter
            // selects the series alone.
            assertThat(count(c, "SELECT count(*) FROM ehrflow.chunk WHERE note_type = 'Observation series' "
                    + "AND section = 'Observation series' AND source_id LIKE 'Observation/series-%' "
                    + "AND cites @> ARRAY['" + obs + "']")).isEqualTo(1);
            List<HybridHit> series = ChunkSearch.search(c, HybridQuery.of(key, question,
                    embedder.embedQuery(question), 10).withFilter(SearchFilter.NONE.noteTypes("Observation series")));
            assertThat(series).isNotEmpty().allMatch(h -> h.hit().sourceId().startsWith("Observation/series-"));

            // Filters: only the encounter's rows, only notes.
            List<HybridHit> inEncounter = ChunkSearch.search(c, HybridQuery.of(key, question,
                    embedder.embedQuery(question),
                            10).withFilter(SearchFilter.NONE.encounter(twinVisit.encounterId())));
            assertThat(inEncounter).isNotEmpty().allMatch(h -> twinVisit.encounterId().equals(encounterOf(c, h)));
            List<HybridHit> notes = ChunkSearch.search(c, HybridQuery.of(key, question, embedder.embedQuery(question),
                    10)
                    .withFilter(SearchFilter.NONE.resourceTypes("DocumentReference", "DiagnosticReport")));
            assertThat(notes).isNotEmpty().allMatch(h -> h.hit().resourceType().equals("DocumentReference")
                    || h.hit().resourceType().equals("DiagnosticReport"));
        }
    }

    private static String encounterOf(Connection c, HybridHit h) {
        try {
            return strings(c, "SELECT encounter_id FROM ehrflow.chunk WHERE chunk_id = ?", h.hit().chunkId()).get(0);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void sentinelPatientNeverAppearsInLogsOrDeadLetterHeaders() {
        List<String> sentinels = List.of("Testpatient", SyntheticEhr.SHARED_MRN, "Sampleperson", "DEMO-1002",
                "Docpatient", SyntheticDocuments.MRN, "fibroadenoma", "Phenylketonuria");
        assertThat(logs.list).isNotEmpty();
        for (ILoggingEvent e : logs.list) {
            String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
                    : " " + e.getThrowableProxy().getMessage());
            assertThat(sentinels).noneMatch(line::contains);
        }
        for (String app : List.of(Topics.APP_HL7_LISTENER, Topics.APP_FHIR_NORMALIZER, Topics.APP_CDC_CAPTURE,
                Topics.APP_CHUNKER, Topics.APP_EMBEDDER_SINK, Topics.APP_DOCUMENT_EXTRACTOR, Topics.APP_DOCUMENT_OCR)) {
            for (ConsumerRecord<String, byte[]> r : readAll(Topics.dlq(app).name())) {
                for (Header h : r.headers()) {
                    String v = new String(h.value(), StandardCharsets.UTF_8);
                    assertThat(sentinels).noneMatch(v::contains);
                }
            }
        }
    }

    private Connection rag() throws SQLException {
        return pg.connect(Pipeline.RAG_DB);
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> strings(Connection c, String sql, String param) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    private List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        return TopicReader.readAll(pipeline.kafka().clientProps(), topic, Duration.ofSeconds(30));
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Path smallestSyntheaBundle() throws Exception {
        try (var s = Files.list(CORPUS.resolve("fhir").resolve("bundles"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("synthea_r4_patient_bundle_"))
                    .min(Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
    }
}
