package org.ehrflow.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.ehrflow.sink.Fixtures.PATIENT_A;
import static org.ehrflow.sink.Fixtures.PATIENT_B;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.embedding.OnnxEmbedder;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.DlqHeaders;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.Topics;
import org.ehrflow.sink.consume.WriteHooks;
import org.ehrflow.sink.error.ReasonCodes;
import org.ehrflow.sink.search.ChunkSearch;
import org.ehrflow.sink.search.SearchHit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The sink against a real KRaft broker, a real PostgreSQL with pgvector and the real INT8 model. The tests share
 * one running pipeline and run in order: each builds on the rows the previous one left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EmbedderSinkIT {

    private static final String DB = "rag";
    private static final Duration WAIT = Duration.ofSeconds(45);

    private static LocalPostgres pg;
    private static KafkaFixture kafka;
    private static KafkaSettings settings;
    private static OnnxEmbedder embedder;
    private static KafkaProducer<String, byte[]> producer;
    private static SinkConfig config;
    private static SimpleMeterRegistry registry;
    private static SinkApp app;
    private static Connection db;
    /** Fault injection, given to every sink this test starts (constructor injection, no public hooks). */
    private static final Hooks HOOKS = new Hooks();

    private static final class Hooks implements WriteHooks {
        final AtomicReference<Runnable> afterLookup = new AtomicReference<>();
        final AtomicReference<Runnable> beforeCommit = new AtomicReference<>();

        @Override
        public void afterLookup() {
            run(afterLookup.get());
        }

        @Override
        public void beforeCommit() {
            run(beforeCommit.get());
        }

        private static void run(Runnable r) {
            if (r != null) {
                r.run();
            }
        }
    }

    @BeforeAll
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    static void start() throws Exception {
        pg = LocalPostgres.startTemporary();
        pg.requireVector();
        pg.createDatabase(DB);
        kafka = KafkaFixture.start();
        settings = KafkaSettings.of(kafka.bootstrapServers());
        TopicAdmin.ensureTopics(settings, 2, (short) 1);
        embedder = OnnxEmbedder.load(ModelVariant.INT8);
        config = SinkConfig.defaults(settings, pg.jdbcUrl(DB), pg.superuser(), pg.superuserPassword())
                .withBatching(64, Duration.ofMillis(50));
        registry = new SimpleMeterRegistry();
        app = SinkApp.start(config, registry, embedder, HOOKS);
        Properties p = settings.clientProps();
        p.put("acks", "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        db = pg.connect(DB);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {db, producer, app, embedder, kafka, pg}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    @Order(1)
    void sqlPatientKeyIsTheJavaPatientKey() throws SQLException {
        String[][] cases = {
                {"urn:oid:2.16.840.1.113883.3.1", "12345"},
                {"  HOSP ", "\t0042 \n"},                    // trimmed like String.strip()
                {"urn:example:mrn", "Zoë-Ünïcode-ß"},       // UTF-8 bytes hashed
                {"a|b", "c"},                                // the separator inside a part
                {"\u2003sys\u3000", "v\u000B"}};            // Unicode whitespace that strip() removes
        try (PreparedStatement ps = db.prepareStatement("SELECT ehrflow.patient_key(?, ?)")) {
            for (String[] c : cases) {
                ps.setString(1, c[0]);
                ps.setString(2, c[1]);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getString(1)).as(c[0]).isEqualTo(PatientKey.of(c[0], c[1]));
                }
            }
            ps.setString(1, "sys");
            ps.setString(2, "  ");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getString(1)).as("blank value").isNull();
            }
        }
    }

    @Test
    @Order(2)
    void rowsLandInThePatientsHashPartitionWithProvenanceAndOffsets() throws Exception {
        send(PATIENT_A, Fixtures.upsert(PATIENT_A, "DocumentReference/a-1", "Cough and fever for three days.",
                "Chest film shows right lower lobe consolidation.", "Plan: amoxicillin, review in 48 hours."));
        send(PATIENT_B, Fixtures.upsert(PATIENT_B, "DocumentReference/b-1", "Ankle sprain after a fall.",
                "Plan: rest, ice, compression."));
        awaitCount("rows of both patients", "SELECT count(*) FROM ehrflow.chunk", 5);

        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT c.tableoid::regclass::text,
                       (SELECT 'ehrflow.chunk_p' || lpad(r::text, 2, '0') FROM generate_series(0, 15) r
                        WHERE satisfies_hash_partition('ehrflow.chunk'::regclass, 16, r, c.patient_key)),
                       c.source_type, c.source_system, c.source_message_id, c.raw_topic, c.raw_partition,
                       c.raw_offset, c.event_time, c.model_name, vector_dims(c.embedding), c.indexed_at >= c.ingest_time
                FROM ehrflow.chunk c""")) {
            while (rs.next()) {
                assertThat(rs.getString(1)).as("partition").isEqualTo(rs.getString(2)).startsWith("ehrflow.chunk_p");
                assertThat(rs.getString(3)).isEqualTo("HL7V2");
                assertThat(rs.getString(4)).isEqualTo("LAB^HOSP");
                assertThat(rs.getString(5)).startsWith("MSG-");
                assertThat(rs.getString(6)).isEqualTo(Topics.RAW_HL7V2.name());
                assertThat(rs.getInt(7)).isEqualTo(2);
                assertThat(rs.getLong(8)).isEqualTo(41L);
                assertThat(rs.getObject(9, OffsetDateTime.class).toInstant())
                        .isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
                assertThat(rs.getString(10)).isEqualTo("all-minilm-l6-v2-q");
                assertThat(rs.getInt(11)).isEqualTo(384);
                assertThat(rs.getBoolean(12)).isTrue();
            }
        }
        awaitCount("offsets of both records", "SELECT sum(next_offset) FROM ehrflow.sink_offset", 2);
        assertThat(count("SELECT count(*) FROM ehrflow.patient_watermark WHERE chunk_sets = 1")).isEqualTo(2);
    }

    @Test
    @Order(3)
    void anUpdateDeletesStaleRowsAndKeepsVectorsOfUnchangedText() throws Exception {
        String unchanged = vectorText("DocumentReference/a-1#0");
        double computed = metrics().embeddingsComputed();
        double skipped = metrics().embeddingsSkipped();
        // Two chunks instead of three: the first unchanged, the second new text; #2 must go.
        send(PATIENT_A, Fixtures.upsert(PATIENT_A, "DocumentReference/a-1", "Cough and fever for three days.",
                "Fever resolved; cough improving."));
        // The update is one transaction: once the new text is visible, the stale row is gone too.
        awaitCount("a-1 updated", "SELECT count(*) FROM ehrflow.chunk WHERE chunk_id = 'DocumentReference/a-1#1'"
                + " AND text = 'Fever resolved; cough improving.'", 1);
        assertThat(count("SELECT count(*) FROM ehrflow.chunk WHERE source_id = 'DocumentReference/a-1'")).isEqualTo(2);
        // Meters move just after the commit.
        await("metrics of the update").atMost(WAIT).until(() -> metrics().embeddingsComputed() - computed >= 1.0);
        assertThat(metrics().embeddingsComputed() - computed).as("texts embedded").isEqualTo(1.0);
        assertThat(metrics().embeddingsSkipped() - skipped).as("vectors kept").isEqualTo(1.0);
        assertThat(vectorText("DocumentReference/a-1#0")).isEqualTo(unchanged);
    }

    @Test
    @Order(4)
    void aDeleteRemovesEveryRowOfTheSource() throws Exception {
        send(PATIENT_A, Fixtures.upsert(PATIENT_A, "Observation/a-2", "Temperature 38.4 C at triage."));
        awaitCount("a-2 written", "SELECT count(*) FROM ehrflow.chunk WHERE source_id = 'Observation/a-2'", 1);
        send(PATIENT_A, Fixtures.delete(PATIENT_A, "Observation/a-2"));
        awaitCount("a-2 deleted", "SELECT count(*) FROM ehrflow.chunk WHERE source_id = 'Observation/a-2'", 0);
        assertThat(count("SELECT count(*) FROM ehrflow.chunk WHERE patient_key = '" + PATIENT_A + "'")).isEqualTo(2);
    }

    @Test
    @Order(5)
    void rowsPostgresRefusesAreDeadLetteredOneByOneWhileTheRestOfTheBatchLands() throws Exception {
        // PostgreSQL text cannot hold NUL (SQLSTATE 22021): the contract allows it, the database does not.
        send(PATIENT_A, Fixtures.upsert(PATIENT_A, "DocumentReference/a-3", "Discharged home."));
        send(PATIENT_A, Fixtures.upsert(PATIENT_A, "DocumentReference/a-4", "Bad\u0000byte."));
        send(PATIENT_A, Fixtures.upsert(PATIENT_A, "DocumentReference/a-5", "Seen in clinic."));
        awaitCount("a-3 and a-5 written", "SELECT count(*) FROM ehrflow.chunk WHERE source_id IN "
                + "('DocumentReference/a-3', 'DocumentReference/a-5')", 2);
        await("a-4 dead-lettered").atMost(WAIT).until(() -> registry.find("ehrflow.sink.dlq")
                .tag("reason", ReasonCodes.PG_REJECTED).counter() != null);
        assertThat(count("SELECT count(*) FROM ehrflow.chunk WHERE source_id = 'DocumentReference/a-4'")).isZero();
        send(PATIENT_A, Fixtures.delete(PATIENT_A, "DocumentReference/a-3"));
        send(PATIENT_A, Fixtures.delete(PATIENT_A, "DocumentReference/a-5"));
        awaitCount("a-3 and a-5 retracted", "SELECT count(*) FROM ehrflow.chunk WHERE patient_key = '"
                + PATIENT_A + "'", 2);
    }

    @Test
    @Order(6)
    void aCorruptRecordIsDeadLetteredWhileGoodRecordsLand() throws Exception {
        byte[] corrupt = "{\"patientKey\": \"truncated".getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(Topics.CHUNKS.name(), PATIENT_B, corrupt)).get();
        send(PATIENT_B, Fixtures.upsert(PATIENT_B, "DocumentReference/b-2", "X-ray: no fracture."));
        awaitCount("b-2 written", "SELECT count(*) FROM ehrflow.chunk WHERE source_id = 'DocumentReference/b-2'", 1);

        List<ConsumerRecord<String, byte[]>> dlq = readAll(Topics.dlq(Topics.APP_EMBEDDER_SINK).name(), 2);
        List<DeadLetter> letters = dlq.stream().map(r -> Topics.dlq(Topics.APP_EMBEDDER_SINK).valueSerde()
                .deserializer().deserialize("", r.value())).toList();
        assertThat(letters).extracting(DeadLetter::reasonCode)
                .containsExactlyInAnyOrder(ReasonCodes.PG_REJECTED, ReasonCodes.VALUE_NOT_DESERIALIZABLE);
        int corruptAt = letters.get(0).reasonCode().equals(ReasonCodes.PG_REJECTED) ? 1 : 0;
        DeadLetter refused = letters.get(1 - corruptAt);
        assertThat(refused.errorClass()).isEqualTo("BatchUpdateException");
        assertThat(refused.sourceMessageId()).startsWith("MSG-");
        DeadLetter letter = letters.get(corruptAt);
        assertThat(letter.reasonCode()).isEqualTo(ReasonCodes.VALUE_NOT_DESERIALIZABLE);
        assertThat(letter.original()).isEqualTo(corrupt);
        assertThat(letter.sourceTopic()).isEqualTo(Topics.CHUNKS.name());
        assertThat(dlq.get(corruptAt).key()).isEqualTo(PATIENT_B);
        assertThat(new String(dlq.get(corruptAt).headers().lastHeader(DlqHeaders.REASON).value(),
                StandardCharsets.UTF_8))
                .isEqualTo(ReasonCodes.VALUE_NOT_DESERIALIZABLE);
        assertThat(registry.get("ehrflow.sink.dlq").tag("reason", ReasonCodes.VALUE_NOT_DESERIALIZABLE).counter()
                .count()).isEqualTo(1.0);
    }

    @Test
    @Order(7)
    void aRestartResumesFromPostgresOffsetsNotKafkas() throws Exception {
        app.close();
        long rows = count("SELECT count(*) FROM ehrflow.chunk");
        long stored = count("SELECT sum(next_offset) FROM ehrflow.sink_offset");
        assertThat(stored).isEqualTo(12); // every record so far, the dead-lettered ones included
        rewindKafkaCommittedOffsetsToZero();

        registry = new SimpleMeterRegistry();
        app = SinkApp.start(config, registry, embedder, HOOKS);
        send(PATIENT_B, Fixtures.upsert(PATIENT_B, "DocumentReference/b-3", "Follow-up: walking without pain."));
        awaitCount("b-3 written", "SELECT count(*) FROM ehrflow.chunk WHERE source_id = 'DocumentReference/b-3'", 1);

        // Had the sink trusted Kafka's (rewound) offsets it would have replayed all twelve records.
        await("metrics of b-3").atMost(WAIT)
                .until(() -> registry.get("ehrflow.sink.chunk.sets").counter().count() >= 1.0);
        assertThat(registry.get("ehrflow.sink.chunk.sets").counter().count()).isEqualTo(1.0);
        assertThat(count("SELECT count(*) FROM ehrflow.chunk")).isEqualTo(rows + 1);
        assertThat(count("SELECT sum(next_offset) FROM ehrflow.sink_offset")).isEqualTo(13);
    }

    @Test
    @Order(8)
    void searchNeedsAPatientAndReturnsOnlyThatPatientsRows() throws Exception {
        assertThatThrownBy(() -> ChunkSearch.search(db, null, new float[384], 3))
                .isInstanceOf(NullPointerException.class);
        try (Statement st = db.createStatement()) {
            assertThatThrownBy(() -> st.executeQuery("SELECT * FROM ehrflow.search_chunks(NULL, "
                    + "array_fill(0.1, ARRAY[384])::vector, 3)"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("p_patient_key is required");
        }
        float[] q = embedder.embed(List.of("Is the fever gone?")).get(0);
        List<SearchHit> hits = ChunkSearch.search(db, PATIENT_A, q, 10);
        assertThat(hits).hasSize(2).allSatisfy(h -> assertThat(h.sourceId()).isEqualTo("DocumentReference/a-1"));
        assertThat(hits.get(0).text()).isEqualTo("Fever resolved; cough improving.");
        assertThat(hits.get(0).distance()).isLessThan(hits.get(1).distance());
        assertThat(hits.get(0).rawTopic()).isEqualTo(Topics.RAW_HL7V2.name());
        assertThat(hits.get(0).toString()).doesNotContain("Fever");
        assertThat(ChunkSearch.search(db, PATIENT_B, q, 10)).hasSize(4)
                .allSatisfy(h -> assertThat(h.sourceId()).startsWith("DocumentReference/b-"));
    }

    @Test
    @Order(9)
    void theReaderRoleSeesOnlyThePatientNamedInItsTransaction() throws Exception {
        try (Statement st = db.createStatement()) {
            st.execute("CREATE ROLE rag_reader LOGIN PASSWORD 'reader-test-only' IN ROLE ehrflow_reader");
        }
        Properties p = new Properties();
        p.setProperty("user", "rag_reader");
        p.setProperty("password", "reader-test-only");
        try (Connection reader = DriverManager.getConnection(pg.jdbcUrl(DB), p)) {
            reader.setAutoCommit(false);
            assertThat(count(reader, "SELECT count(*) FROM ehrflow.chunk")).as("no patient named").isZero();

            ChunkSearch.scopeTo(reader, PATIENT_A);
            assertThat(count(reader, "SELECT count(*) FROM ehrflow.chunk")).isEqualTo(2);
            assertThat(count(reader, "SELECT count(DISTINCT patient_key) FROM ehrflow.chunk")).isEqualTo(1);
            float[] q = embedder.embed(List.of("ankle")).get(0);
            assertThat(ChunkSearch.search(reader, PATIENT_B, q, 10)).as("another patient's search").isEmpty();
            assertThat(ChunkSearch.search(reader, PATIENT_A, q, 10)).hasSize(2);
            assertThat(count(reader, "SELECT count(*) FROM ehrflow.patient_watermark")).isEqualTo(1);
            reader.commit();

            assertThat(count(reader, "SELECT count(*) FROM ehrflow.chunk")).as("scope ends with the transaction")
                    .isZero();
            reader.rollback();
            assertThatThrownBy(() -> count(reader, "SELECT count(*) FROM ehrflow.chunk_p00"))
                    .as("partitions are not readable directly").isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
        }
    }

    @Test
    @Order(10)
    void aWrongPasswordStopsStartUpNamingTheSetting() {
        SinkConfig wrong = SinkConfig.defaults(settings, pg.jdbcUrl(DB), pg.superuser(),
                new org.ehrflow.runtime.Secret("not-the-password"));
        assertThatThrownBy(() -> SinkApp.start(wrong, new SimpleMeterRegistry(), embedder))
                .isInstanceOf(org.ehrflow.sink.error.SinkFatalException.class)
                .hasMessageContaining("28P01").hasMessageContaining("EHRFLOW_SINK_PASSWORD");
    }

    private static final String PATIENT_C = PatientKey.of("urn:oid:2.16.840.1.113883.3.1", "MRN-TEST-0003");
    private static final String PATIENT_D = PatientKey.of("urn:oid:2.16.840.1.113883.3.1", "MRN-TEST-0004");
    private static final String PATIENT_E = PatientKey.of("urn:oid:2.16.840.1.113883.3.1", "MRN-TEST-0005");
    private static final String PATIENT_F = PatientKey.of("urn:oid:2.16.840.1.113883.3.1", "MRN-TEST-0006");

    @Test
    @Order(11)
    void sourceRecordsAreStoredBesideTheChunksAndEveryCitationResolves() throws Exception {
        sendRecord(Fixtures.resource(PATIENT_C, "DocumentReference", "c-1",
                "{\"resourceType\":\"DocumentReference\",\"id\":\"c-1\",\"status\":\"current\"}"));
        sendRecord(Fixtures.resource(PATIENT_C, "Observation", "c-2",
                "{\"resourceType\":\"Observation\",\"id\":\"c-2\",\"status\":\"final\"}"));
        sendRecord(Fixtures.resource(PATIENT_C, "Observation", "c-3", "{\"resourceType\":\"Observation\"}"));
        sendRecord(Fixtures.resourceDelete(PATIENT_C, "Observation", "c-3"));
        ChunkSet withDeid = Fixtures.upsert(PATIENT_C, "DocumentReference/c-1", "Seen by Dr Example today.");
        org.ehrflow.schemas.Chunk ch = withDeid.chunks().get(0);
        withDeid = new ChunkSet(withDeid.patientKey(), withDeid.op(), withDeid.sourceId(), withDeid.resourceType(),
                withDeid.resourceVersion(), withDeid.encounterId(), withDeid.noteType(),
                List.of(new org.ehrflow.schemas.Chunk(ch.chunkId(), 0, ch.section(), ch.text(), ch.tokenCount(),
                        ch.contentHash(), true, List.of("NAME"), "Seen by [NAME-1] today.")),
                withDeid.provenance());
        send(PATIENT_C, withDeid);
        send(PATIENT_C, Fixtures.upsert(PATIENT_C, "Observation/c-2", "Haemoglobin 131 g/L."));
        awaitCount("C's records", "SELECT count(*) FROM ehrflow.source_record WHERE patient_key = '" + PATIENT_C + "'",
                2);
        awaitCount("C's chunks", "SELECT count(*) FROM ehrflow.chunk WHERE patient_key = '" + PATIENT_C + "'", 2);

        assertThat(count("SELECT count(*) FROM ehrflow.chunk c WHERE c.patient_key = '" + PATIENT_C + "' AND NOT EXISTS"
                + " (SELECT 1 FROM ehrflow.source_record r WHERE r.patient_key = c.patient_key"
                + " AND r.resource_ref = c.source_id)")).as("citations without a record").isZero();
        assertThat(count("SELECT count(*) FROM ehrflow.source_record WHERE resource_json->>'status' = 'final'"
                + " AND resource_ref = 'Observation/c-2'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM ehrflow.chunk WHERE deidentified_text = 'Seen by [NAME-1] today.'"))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM ehrflow.source_record r WHERE r.tableoid::regclass::text <> "
                + "(SELECT 'ehrflow.source_record_p' || lpad(x::text, 2, '0') FROM generate_series(0, 15) x"
                + " WHERE satisfies_hash_partition('ehrflow.source_record'::regclass, 16, x, r.patient_key))"))
                .as("records outside their hash partition").isZero();
        // Offsets of both topics live in the same table.
        assertThat(count("SELECT count(DISTINCT topic) FROM ehrflow.sink_offset")).isEqualTo(2);
    }

    @Test
    @Order(12)
    void aMergeMovesEveryRowOfTheRetiredPatientInOneTransaction() throws Exception {
        // D already has its own version of a source C also has: D's version must survive, whole.
        send(PATIENT_D, Fixtures.upsert(PATIENT_D, "Observation/c-2", "Haemoglobin 128 g/L (D's copy)."));
        sendRecord(Fixtures.resource(PATIENT_D, "Observation", "c-2",
                "{\"resourceType\":\"Observation\",\"id\":\"D\"}"));
        awaitCount("D's row", "SELECT count(*) FROM ehrflow.chunk WHERE patient_key = '" + PATIENT_D + "'", 1);
        awaitCount("D's record", "SELECT count(*) FROM ehrflow.source_record WHERE patient_key = '" + PATIENT_D + "'",
                1);

        send(PATIENT_C, Fixtures.merge(PATIENT_C, PATIENT_D));
        sendRecord(Fixtures.resourceMerge(PATIENT_C, PATIENT_D));
        awaitCount("C's rows gone", "SELECT count(*) FROM ehrflow.chunk WHERE patient_key = '" + PATIENT_C + "'", 0);
        awaitCount("C's records gone", "SELECT count(*) FROM ehrflow.source_record WHERE patient_key = '"
                + PATIENT_C + "'", 0);
        assertThat(count("SELECT count(*) FROM ehrflow.chunk WHERE patient_key = '" + PATIENT_D + "'")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM ehrflow.chunk WHERE patient_key = '" + PATIENT_D
                + "' AND source_id = 'Observation/c-2' AND text LIKE '%D''s copy%'")).as("survivor's version kept")
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM ehrflow.source_record WHERE patient_key = '" + PATIENT_D + "'"))
                .isEqualTo(2);
        assertThat(count("SELECT count(*) FROM ehrflow.source_record WHERE patient_key = '" + PATIENT_D
                + "' AND resource_ref = 'Observation/c-2' AND resource_json->>'id' = 'D'")).isEqualTo(1);
        // Moved rows sit in the surviving key's hash partition (UPDATE of the partition key moved them).
        assertThat(count("SELECT count(*) FROM ehrflow.chunk c WHERE c.tableoid::regclass::text <> "
                + "(SELECT 'ehrflow.chunk_p' || lpad(x::text, 2, '0') FROM generate_series(0, 15) x"
                + " WHERE satisfies_hash_partition('ehrflow.chunk'::regclass, 16, x, c.patient_key))")).isZero();
        assertThat(count("SELECT count(*) FROM ehrflow.patient_watermark WHERE patient_key = '" + PATIENT_C + "'"))
                .isZero();
        assertThat(count("SELECT chunk_sets FROM ehrflow.patient_watermark WHERE patient_key = '" + PATIENT_D + "'"))
                .as("C's two sets + D's one").isEqualTo(3);
        assertThat(count("SELECT count(*) FROM ehrflow.source_event WHERE patient_key = '" + PATIENT_C + "'")).isZero();
    }

    @Test
    @Order(13)
    void waitForSourceReturnsOnceTheEventIsSearchable() throws Exception {
        String movedEvent = Fixtures.provenance("DocumentReference/c-1").sourceMessageId();
        assertThat(waitFor(PATIENT_D, movedEvent, "0 seconds")).as("an event that moved with the merge").isTrue();
        long t0 = System.nanoTime();
        assertThat(waitFor(PATIENT_D, "MSG-NEVER-SENT", "300 milliseconds")).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));

        ChunkSet later = Fixtures.upsert(PATIENT_D, "DocumentReference/d-9", "Wound review: healing well.");
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(
                () -> {
                    try (Connection c = pg.connect(DB)) {
                        return waitFor(c, PATIENT_D, later.provenance().sourceMessageId(), "30 seconds");
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
        Thread.sleep(200); // the waiter is polling before the event exists
        send(PATIENT_D, later);
        assertThat(waiting.get(40, TimeUnit.SECONDS)).isTrue();
        assertThat(count("SELECT count(*) FROM ehrflow.chunk WHERE source_id = 'DocumentReference/d-9'")).isEqualTo(1);
    }

    @Test
    @Order(14)
    void theSearchCliPrintsTopChunksWithProvenance() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = org.ehrflow.sink.search.SearchCli.run(org.ehrflow.sink.search.SearchCli.Request.parse(
                "--mrn-system", "urn:oid:2.16.840.1.113883.3.1", "--mrn", "MRN-TEST-0001", "--k", "1",
                "Is", "the", "fever", "gone?"), config, embedder, new PrintStream(buf, true, "UTF-8"));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(rc).isZero();
        assertThat(out).contains("1 hit(s)").contains("DocumentReference/a-1#1").contains("HL7V2 LAB^HOSP MSG-")
                .contains(Topics.RAW_HL7V2.name() + "-2@41").contains("Fever resolved; cough improving.");
    }

    @Test
    @Order(15)
    void theDeidentifiedReaderSeesNoRawText() throws Exception {
        try (Statement st = db.createStatement()) {
            st.execute("CREATE ROLE deid_reader LOGIN PASSWORD 'deid-test-only' IN ROLE ehrflow_deid_reader");
        }
        Properties p = new Properties();
        p.setProperty("user", "deid_reader");
        p.setProperty("password", "deid-test-only");
        try (Connection reader = DriverManager.getConnection(pg.jdbcUrl(DB), p)) {
            reader.setAutoCommit(false);
            ChunkSearch.scopeTo(reader, PATIENT_D);
            assertThat(count(reader, "SELECT count(deidentified_text) FROM ehrflow.chunk")).isEqualTo(1);
            reader.commit();
            ChunkSearch.scopeTo(reader, PATIENT_D);
            assertThatThrownBy(() -> count(reader, "SELECT count(text) FROM ehrflow.chunk"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
            reader.rollback();
            ChunkSearch.scopeTo(reader, PATIENT_D);
            try (PreparedStatement ps = reader.prepareStatement("SELECT deidentified_text FROM "
                    + "ehrflow.search_chunks_deid(?, ?::vector, 5) WHERE deidentified_text IS NOT NULL")) {
                ps.setString(1, PATIENT_D);
                ps.setString(2, new com.pgvector.PGvector(embedder.embed(List.of("doctor")).get(0)).toString());
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("Seen by [NAME-1] today.");
                }
            }
            reader.rollback();
        }
    }

    @Test
    @Order(16)
    void aCrashBetweenWriteAndCommitReplaysWithoutDuplicates() throws Exception {
        HOOKS.beforeCommit.set(() -> {
            throw new IllegalStateException("injected crash between write and commit");
        });
        send(PATIENT_E, Fixtures.upsert(PATIENT_E, "DocumentReference/e-1", "Headache since Monday.", "Plan: rest."));
        await("the sink crashed").atMost(WAIT).until(() -> !app.isRunning());
        assertThat(app.failure()).isInstanceOf(IllegalStateException.class);
        app.close(); // the open transaction is rolled back with its connection
        assertThat(count("SELECT count(*) FROM ehrflow.chunk WHERE patient_key = '" + PATIENT_E + "'")).isZero();
        HOOKS.beforeCommit.set(null); // the restarted sink does not crash

        registry = new SimpleMeterRegistry();
        app = SinkApp.start(config, registry, embedder, HOOKS);
        awaitCount("e-1 replayed", "SELECT count(*) FROM ehrflow.chunk WHERE patient_key = '" + PATIENT_E + "'", 2);
        await("metrics").atMost(WAIT).until(() -> registry.get("ehrflow.sink.chunk.sets").counter().count() >= 1.0);
        assertThat(registry.get("ehrflow.sink.chunk.sets").counter().count()).as("only the crashed set replayed")
                .isEqualTo(1.0);
        assertThat(count("SELECT chunk_sets FROM ehrflow.patient_watermark WHERE patient_key = '" + PATIENT_E + "'"))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM ehrflow.source_event WHERE patient_key = '" + PATIENT_E + "'"))
                .isEqualTo(1);
    }

    @Test
    @Order(17)
    void aPostgresRestartMidStreamLosesAndDuplicatesNothing() throws Exception {
        int n = 40;
        double dlqBefore = registry.find("ehrflow.sink.dlq").counters().stream().mapToDouble(c -> c.count()).sum();
        String binDir;
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT setting FROM pg_config WHERE name = 'BINDIR'")) {
            rs.next();
            binDir = rs.getString(1);
        }
        for (int i = 0; i < n; i++) {
            send(PATIENT_F, Fixtures.upsert(PATIENT_F, "Observation/f-" + i, "Reading " + i + " within range."));
            sendRecord(Fixtures.resource(PATIENT_F, "Observation", "f-" + i, "{\"resourceType\":\"Observation\"}"));
            if (i == n / 4) {
                db.close();
                // pg_ctl restart reuses the options of the last start (postmaster.opts): same port, same socket.
                List<String> cmd = new ArrayList<>();
                if ("root".equals(System.getProperty("user.name"))) {
                    // PostgreSQL refuses root: run pg_ctl as the cluster's owner, as local-stack does.
                    cmd.addAll(List.of("runuser", "-u", Files.getOwner(pg.dataDir()).getName(), "--"));
                }
                cmd.addAll(List.of(binDir + "/pg_ctl", "restart", "-D", pg.dataDir().toString(), "-m", "fast", "-w",
                        "-t", "60", "-l", pg.dataDir().resolve("postgres.log").toString()));
                Process restart = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                assertThat(restart.waitFor(90, TimeUnit.SECONDS)).isTrue();
                assertThat(restart.exitValue()).isZero();
                db = pg.connect(DB);
            }
        }
        awaitCount("every set", "SELECT count(*) FROM ehrflow.chunk WHERE patient_key = '" + PATIENT_F + "'", n);
        awaitCount("every record", "SELECT count(*) FROM ehrflow.source_record WHERE patient_key = '" + PATIENT_F + "'",
                n);
        assertThat(count("SELECT chunk_sets FROM ehrflow.patient_watermark WHERE patient_key = '" + PATIENT_F + "'"))
                .as("each set applied exactly once").isEqualTo(n);
        assertThat(registry.find("ehrflow.sink.dlq").counters().stream().mapToDouble(c -> c.count()).sum())
                .as("nothing dead-lettered for a transient fault").isEqualTo(dlqBefore);
        assertThat(registry.get("ehrflow.sink.retries").counter().count()).as("the outage was retried")
                .isGreaterThanOrEqualTo(1.0);
        assertThat(app.isRunning()).isTrue();
    }

    private static boolean waitFor(String key, String messageId, String timeout) throws SQLException {
        return waitFor(db, key, messageId, timeout);
    }

    private static boolean waitFor(Connection c, String key, String messageId, String timeout) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT ehrflow.wait_for_source(?, ?, ?::interval)")) {
            ps.setString(1, key);
            ps.setString(2, messageId);
            ps.setString(3, timeout);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static void sendRecord(org.ehrflow.schemas.FhirRecord r) throws Exception {
        producer.send(new ProducerRecord<>(Topics.FHIR_RESOURCES.name(), r.patientKey(), Fixtures.bytes(r))).get();
    }

    private static org.ehrflow.sink.consume.SinkMetrics metrics() {
        return new org.ehrflow.sink.consume.SinkMetrics(registry);
    }

    @Test
    @Order(18)
    void expiredSourceEventsArePrunedOldestFirstInBoundedSteps() throws Exception {
        long before = count("SELECT count(*) FROM ehrflow.source_event");
        try (Statement st = db.createStatement()) {
            st.execute("INSERT INTO ehrflow.source_event (patient_key, source_message_id, ingest_time, indexed_at) "
                    + "SELECT '" + PATIENT_A + "', 'MSG-OLD-' || g, now() - interval '40 days', "
                    + "now() - interval '40 days' + g * interval '1 second' FROM generate_series(1, 5) g");
        }
        org.ehrflow.sink.store.EventRetention retention =
                new org.ehrflow.sink.store.EventRetention(Duration.ofDays(30), 3);
        try (Connection c = pg.connect(DB)) {
            c.setAutoCommit(false);
            assertThat(retention.prune(c)).isEqualTo(3);
            c.commit();
            assertThat(count("SELECT count(*) FROM ehrflow.source_event WHERE source_message_id IN "
                    + "('MSG-OLD-1', 'MSG-OLD-2', 'MSG-OLD-3')")).as("oldest first").isZero();
            assertThat(retention.prune(c)).isEqualTo(2);
            assertThat(retention.prune(c)).isZero();
            c.commit();
        }
        assertThat(count("SELECT count(*) FROM ehrflow.source_event")).as("recent events kept").isEqualTo(before);
        assertThat(new org.ehrflow.sink.store.EventRetention(Duration.ZERO, 3).enabled()).isFalse();
    }

    @Test
    @Order(19)
    void aRowAppearingAfterTheLookupMakesTheBatchRetryNotFail() throws Exception {
        String key = PatientKey.of("urn:oid:2.16.840.1.113883.3.1", "MRN-TEST-0007");
        AtomicBoolean once = new AtomicBoolean(true);
        // Another writer (a partition's previous owner during a rebalance) commits a row of the source between
        // this sink's lookup ("no rows yet": plain INSERT) and its write.
        HOOKS.afterLookup.set(() -> {
            if (!once.getAndSet(false)) {
                return;
            }
            try (Connection other = pg.connect(DB); Statement st = other.createStatement()) {
                st.execute("INSERT INTO ehrflow.chunk (patient_key, chunk_id, source_id, resource_type, chunk_index, "
                        + "text, token_count, content_hash, phi_present, source_type, source_system, "
                        + "source_message_id, raw_partition, raw_offset, ingest_time, model_name, embedding) VALUES ('"
                        + key + "', 'DocumentReference/race-1#0', 'DocumentReference/race-1', 'DocumentReference', 0, "
                        + "'older text', 3, 'x', false, 'HL7V2', 'LAB', 'MSG-0', 0, 0, now(), '" + embedder.modelName()
                        + "', array_fill(0.05, ARRAY[384])::vector)");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        double retriesBefore = registry.get("ehrflow.sink.retries").counter().count();
        try {
            send(key, Fixtures.upsert(key, "DocumentReference/race-1", "Race text one.", "Race text two."));
            awaitCount("the set's rows", "SELECT count(*) FROM ehrflow.chunk WHERE patient_key = '" + key
                    + "' AND text LIKE 'Race text %'", 2);
        } finally {
            HOOKS.afterLookup.set(null);
        }
        assertThat(count("SELECT count(*) FROM ehrflow.chunk WHERE patient_key = '" + key + "'")).isEqualTo(2);
        assertThat(registry.get("ehrflow.sink.retries").counter().count()).isGreaterThan(retriesBefore);
        assertThat(registry.find("ehrflow.sink.dlq").counters()).as("nothing dead-lettered")
                .allSatisfy(c -> assertThat(c.count()).isZero());
        assertThat(app.isRunning()).isTrue();
    }

    @Test
    @Order(20)
    void commitsTheDatabaseLostAreReadAgainFromTheOffsetsItKept() throws Exception {
        String key = PatientKey.of("urn:oid:2.16.840.1.113883.3.1", "MRN-TEST-0011");
        String chunksOfKey = "SELECT count(*) FROM ehrflow.chunk WHERE patient_key = '" + key + "'";
        for (int i = 0; i < 2; i++) {
            send(key, Fixtures.upsert(key, "Observation/g-" + i, "Glucose reading " + i + " in range."));
        }
        awaitCount("g-0 and g-1", chunksOfKey, 2);
        Thread.sleep(300); // nothing else is in flight: the stored offsets now cover exactly g-0 and g-1
        List<Object[]> keptOffsets = rows("SELECT consumer_group, topic, partition, next_offset FROM ehrflow.sink_offset");
        List<Object[]> keptWatermark = rows("SELECT last_event_time, last_ingest_time, last_indexed_at, chunk_sets "
                + "FROM ehrflow.patient_watermark WHERE patient_key = '" + key + "'");
        List<String> lost = List.of("Observation/g-2", "Observation/g-3", "Observation/g-4");
        for (String source : lost) {
            send(key, Fixtures.upsert(key, source, "Glucose reading " + source.charAt(source.length() - 1)
                    + " in range."));
        }
        awaitCount("g-2 to g-4", chunksOfKey, 5);

        // PostgreSQL comes back without its last three commits (as after a crash with synchronous_commit=off, or
        // a failover to an asynchronous replica) and the sink's connection is gone with the old server.
        try (Connection c = pg.connect(DB)) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.executeUpdate("DELETE FROM ehrflow.chunk WHERE patient_key = '" + key + "' AND source_id IN ("
                        + String.join(", ", lost.stream().map(x -> "'" + x + "'").toList()) + ")");
                st.executeUpdate("DELETE FROM ehrflow.source_event WHERE patient_key = '" + key
                        + "' AND source_message_id IN (" + String.join(", ", lost.stream()
                                .map(x -> "'" + Fixtures.provenance(x).sourceMessageId() + "'").toList()) + ")");
                st.executeUpdate("DELETE FROM ehrflow.sink_offset");
            }
            try (PreparedStatement wm = c.prepareStatement("UPDATE ehrflow.patient_watermark SET last_event_time = ?, "
                    + "last_ingest_time = ?, last_indexed_at = ?, chunk_sets = ? WHERE patient_key = ?");
                    PreparedStatement off = c.prepareStatement("INSERT INTO ehrflow.sink_offset "
                            + "(consumer_group, topic, partition, next_offset, updated_at) VALUES (?, ?, ?, ?, now())")) {
                Object[] w = keptWatermark.get(0);
                for (int i = 0; i < 4; i++) {
                    wm.setObject(i + 1, w[i]);
                }
                wm.setString(5, key);
                wm.executeUpdate();
                for (Object[] o : keptOffsets) {
                    for (int i = 0; i < 4; i++) {
                        off.setObject(i + 1, o[i]);
                    }
                    off.addBatch();
                }
                off.executeBatch();
            }
            c.commit();
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        + "WHERE application_name = 'embedder-sink'");
            }
            c.commit();
        }
        assertThat(count(chunksOfKey)).isEqualTo(2);
        double rewoundBefore = registry.get("ehrflow.sink.offsets.rewound").counter().count();

        send(key, Fixtures.upsert(key, "Observation/g-5", "Glucose reading 5 in range."));
        awaitCount("the lost sets replayed beside the new one", chunksOfKey, 6);
        assertThat(count("SELECT chunk_sets FROM ehrflow.patient_watermark WHERE patient_key = '" + key + "'"))
                .as("each set applied exactly once").isEqualTo(6);
        assertThat(count("SELECT count(*) FROM ehrflow.source_event WHERE patient_key = '" + key + "'"))
                .isEqualTo(6);
        assertThat(registry.get("ehrflow.sink.offsets.rewound").counter().count()).isGreaterThan(rewoundBefore);
        assertThat(registry.get("ehrflow.sink.outage").gauge().value()).isZero();
        assertThat(app.isReady()).isTrue();
    }

    @Test
    @Order(21)
    void aFactOfAMergedPatientArrivingAfterTheMergeIsFiledUnderTheSurvivor() throws Exception {
        String survivor = PatientKey.of("urn:oid:2.16.840.1.113883.3.1", "MRN-TEST-0021");
        String retired = PatientKey.of("urn:oid:2.16.840.1.113883.3.1", "MRN-TEST-0022");
        send(survivor, Fixtures.upsert(survivor, "Observation/s-1", "Sodium 140 mmol/L."));
        send(retired, Fixtures.upsert(retired, "Observation/r-1", "Potassium 4.1 mmol/L."));
        awaitCount("both patients", "SELECT count(*) FROM ehrflow.chunk WHERE patient_key IN ('" + survivor + "', '"
                + retired + "')", 2);
        send(retired, Fixtures.merge(retired, survivor));
        sendRecord(Fixtures.resourceMerge(retired, survivor));
        awaitCount("merged", "SELECT count(*) FROM ehrflow.chunk WHERE patient_key = '" + survivor + "'", 2);
        // The retired patient's last facts were still upstream: they arrive after the merge, under the old key.
        send(retired, Fixtures.upsert(retired, "Observation/r-2", "Glucose 98 mg/dL, drawn before the merge."));
        sendRecord(Fixtures.resource(retired, "Observation", "r-2", "{\"resourceType\":\"Observation\"}"));
        awaitCount("the late fact under the survivor", "SELECT count(*) FROM ehrflow.chunk WHERE patient_key = '"
                + survivor + "'", 3);
        awaitCount("its source record too", "SELECT count(*) FROM ehrflow.source_record WHERE patient_key = '"
                + survivor + "' AND resource_ref = 'Observation/r-2'", 1);
        assertThat(count("SELECT count(*) FROM ehrflow.chunk WHERE patient_key = '" + retired + "'")).isZero();
        assertThat(count("SELECT count(*) FROM ehrflow.source_record WHERE patient_key = '" + retired + "'")).isZero();
        assertThat(count("SELECT count(*) FROM ehrflow.patient_merge WHERE retired_key = '" + retired
                + "' AND surviving_key = '" + survivor + "'")).isEqualTo(1);
    }

    private static List<Object[]> rows(String sql) throws SQLException {
        List<Object[]> out = new ArrayList<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Object[] row = new Object[n];
                for (int i = 0; i < n; i++) {
                    row[i] = rs.getObject(i + 1);
                }
                out.add(row);
            }
        }
        return out;
    }

    @Test
    @Order(22)
    void documentChunksKeepTheirPageSectionAndOcrCitationAndSearchReturnsIt() throws Exception {
        String patient = org.ehrflow.schemas.PatientKey.of("urn:oid:2.16.840.1.113883.3.1", "MRN-TEST-DOCS");
        ChunkSet base = Fixtures.upsert(patient, "DocumentReference/scan-1", "Faxed pathology: benign fibroadenoma.",
                "Medications: metformin 500 mg.");
        org.ehrflow.schemas.Citation page = new org.ehrflow.schemas.Citation(2, 2, null, "Binary/b-7", true, 48.25,
                true);
        org.ehrflow.schemas.Citation section = org.ehrflow.schemas.Citation.of(null, null, "LOINC|10160-0", null);
        List<org.ehrflow.schemas.Chunk> cited = List.of(withCitation(base.chunks().get(0), page),
                withCitation(base.chunks().get(1), section));
        send(patient, new ChunkSet(patient, org.ehrflow.schemas.RecordOp.UPSERT, base.sourceId(), base.resourceType(),
                "1", null,
                "Pathology report", cited, base.provenance()));
        awaitCount("cited rows", "SELECT count(*) FROM ehrflow.chunk WHERE page_start = 2 OR section_code IS NOT NULL",
                2);
        float[] q = embedder.embed(List.of("fibroadenoma")).get(0);
        List<SearchHit> hits = ChunkSearch.search(db, patient, q, 2);
        assertThat(hits.get(0).chunkId()).isEqualTo("DocumentReference/scan-1#0");
        assertThat(hits.get(0).citation()).isEqualTo(new org.ehrflow.schemas.Citation(2, 2, null, "Binary/b-7",
                true, 48.3, true));
        assertThat(hits.get(1).citation()).isEqualTo(section);
        // Chunks that are not from documents come back without a citation.
        assertThat(ChunkSearch.search(db, PATIENT_B, q, 1).get(0).citation()).isNull();
    }

    private static org.ehrflow.schemas.Chunk withCitation(org.ehrflow.schemas.Chunk c,
            org.ehrflow.schemas.Citation citation) {
        return new org.ehrflow.schemas.Chunk(c.chunkId(), c.index(), c.section(), c.text(), c.tokenCount(),
                c.contentHash(), c.phiPresent(), c.phiKinds(), c.deidentifiedText(), citation);
    }

    private static void send(String key, ChunkSet set) throws Exception {
        producer.send(new ProducerRecord<>(Topics.CHUNKS.name(), key, Fixtures.bytes(set))).get();
    }

    private static String vectorText(String chunkId) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT embedding::text FROM ehrflow.chunk WHERE chunk_id = ?")) {
            ps.setString(1, chunkId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(chunkId).isTrue();
                return rs.getString(1);
            }
        }
    }

    private static void awaitCount(String what, String sql, long expected) {
        await(what).atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> count(sql) == expected);
    }

    private static long count(String sql) throws SQLException {
        return count(db, sql);
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void rewindKafkaCommittedOffsetsToZero() throws Exception {
        try (Admin admin = Admin.create(settings.clientProps())) {
            Map<TopicPartition, OffsetAndMetadata> zero = new HashMap<>();
            for (int p = 0; p < 2; p++) {
                zero.put(new TopicPartition(Topics.CHUNKS.name(), p), new OffsetAndMetadata(0));
            }
            // The group is empty after close(), so its offsets can be altered.
            await("group empty").atMost(WAIT).ignoreExceptions().until(() -> {
                admin.alterConsumerGroupOffsets(Topics.APP_EMBEDDER_SINK, zero).all().get();
                return true;
            });
        }
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
        Properties p = settings.clientProps();
        p.put("group.id", "embedder-sink-it-reader");
        p.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            await(topic).atMost(WAIT).until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
                return out.size() >= expected;
            });
        }
        return out;
    }

}
