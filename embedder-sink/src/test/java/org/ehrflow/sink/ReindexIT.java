package org.ehrflow.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.pgvector.PGvector;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.embedding.OnnxEmbedder;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.Topics;
import org.ehrflow.sink.reindex.Reindexer;
import org.ehrflow.sink.search.ChunkSearch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Model change without downtime against a real broker, a real PostgreSQL with pgvector and both real models:
 * the sink serves INT8 and is configured with FP32 as its second model; a re-index to FP32 runs while chunk sets
 * keep arriving (new sources and changed texts) and a reader keeps searching. Afterwards every row holds the
 * FP32 vector of its current text, nothing was lost or duplicated, and no search ever mixed the two models.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ReindexIT {

    private static final String DB = "rag";
    private static final int PATIENTS = 6;

    private static LocalPostgres pg;
    private static KafkaFixture kafka;
    private static OnnxEmbedder int8;
    private static OnnxEmbedder fp32;
    private static KafkaProducer<String, byte[]> producer;
    private static SimpleMeterRegistry registry;
    private static SinkApp app;
    private static Connection db;
    /** Latest text sent per chunk id ("patientKey chunkId"), so the final store can be checked row by row. */
    private static final Map<String, String> expected = new ConcurrentHashMap<>();

    @BeforeAll
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    static void start() throws Exception {
        pg = LocalPostgres.startTemporary();
        pg.requireVector();
        pg.createDatabase(DB);
        kafka = KafkaFixture.start();
        KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
        TopicAdmin.ensureTopics(settings, 2, (short) 1);
        int8 = OnnxEmbedder.load(ModelVariant.INT8);
        fp32 = OnnxEmbedder.load(ModelVariant.FP32, 2, OnnxEmbedder.defaultMaxBatch(ModelVariant.FP32));
        SinkConfig config = SinkConfig.defaults(settings, pg.jdbcUrl(DB), pg.superuser(), pg.superuserPassword())
                .withBatching(32, Duration.ofMillis(50));
        registry = new SimpleMeterRegistry();
        app = SinkApp.start(config, registry, int8, fp32);
        Properties p = settings.clientProps();
        p.put("acks", "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        db = pg.connect(DB);
        try (Statement st = db.createStatement()) {
            st.execute("CREATE ROLE deid_reader LOGIN PASSWORD 'deid-test-only' IN ROLE ehrflow_deid_reader");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {db, producer, app, int8, fp32, kafka, pg}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    @Order(1)
    void switchesReadersToTheNewModelWhileIngestionAndSearchesGoOn() throws Exception {
        for (int i = 0; i < 30; i++) {
            send(i % PATIENTS, "Note/n-" + i, 0);
        }
        awaitStore();
        assertThat(serving()).isEqualTo(int8.modelName());

        float[] q8 = int8.embed(List.of("shortness of breath on exertion")).get(0);
        float[] q32 = fp32.embed(List.of("shortness of breath on exertion")).get(0);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger servedInt8 = new AtomicInteger();
        AtomicInteger servedFp32 = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> searchLoop(running, q8, q32, servedInt8, servedFp32, refused, failures));
        Thread writer = new Thread(() -> {
            // New sources and changed texts of existing ones, every 150 ms, until stopped.
            int n = 0;
            while (running.get()) {
                try {
                    if (n % 2 == 0) {
                        send(n % PATIENTS, "Note/live-" + n, 0);
                    } else {
                        send(n % PATIENTS, "Note/n-" + (n % 30), n);
                    }
                    n++;
                    Thread.sleep(150);
                } catch (Exception e) {
                    failures.add(e);
                    return;
                }
            }
        });
        reader.start();
        writer.start();
        Reindexer.Switched switched;
        try {
            Reindexer reindexer = new Reindexer(pg.jdbcUrl(DB), pg.superuser(), pg.superuserPassword(), fp32);
            Reindexer.Progress started = reindexer.start();
            assertThat(started.building().name()).isEqualTo(fp32.modelName());
            assertThat(reindexer.backfill(16)).isPositive();
            switched = reindexer.switchOver(500);
            Thread.sleep(1500); // ingestion and searches go on after the switch
        } finally {
            running.set(false);
            writer.join(10_000);
            reader.join(10_000);
        }
        awaitStore();

        assertThat(failures).as("no search failed and no send failed").isEmpty();
        assertThat(servedInt8.get()).as("searches served before the switch").isPositive();
        assertThat(servedFp32.get()).as("searches served after the switch").isPositive();
        assertThat(switched.to().name()).isEqualTo(fp32.modelName());
        System.out.printf("re-index switch: %d rows embedded at the switch, sink writes held %d ms, readers held "
                + "%d ms; %d searches on INT8, %d on FP32, %d refused (model changed between lookup and search)%n",
                switched.caughtUp(), switched.writesHeldMillis(), switched.readersHeldMillis(), servedInt8.get(),
                servedFp32.get(), refused.get());

        assertThat(serving()).isEqualTo(fp32.modelName());
        assertThat(count("SELECT count(*) FROM ehrflow.embedding_model WHERE role = 'building'")).isZero();
        assertThat(count("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'ehrflow' "
                + "AND table_name = 'chunk' AND column_name LIKE 'next\\_%'")).as("shadow columns gone").isZero();
        assertThat(count("SELECT count(*) FROM pg_constraint WHERE conname = 'chunk_vector_present' "
                + "AND conrelid = 'ehrflow.chunk'::regclass AND convalidated")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM ehrflow.chunk WHERE model_name <> '" + fp32.modelName() + "'"))
                .isZero();
        assertEveryRowIsTheNewModelsVectorOfItsLatestText();
        assertThat(registry.get("ehrflow.sink.embeddings.shadow").counter().count())
                .as("the sink wrote shadow vectors while the re-index ran").isPositive();
        assertThat(app.isRunning()).isTrue();

        // A query of the old model is now refused, not compared with vectors of another model.
        try (Connection c = pg.connect(DB)) {
            c.setAutoCommit(false);
            assertThatThrownBy(() -> ChunkSearch.search(c, patient(0), q8, 3, int8.modelName()))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("55000"));
        }
        // The de-identified reader keeps its column grants on the switched-in columns.
        Properties p = new Properties();
        p.setProperty("user", "deid_reader");
        p.setProperty("password", "deid-test-only");
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(DB), p)) {
            c.setAutoCommit(false);
            ChunkSearch.scopeTo(c, patient(0));
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM ehrflow.search_chunks_deid(?, ?::vector, 5, ?)")) {
                ps.setString(1, patient(0));
                ps.setString(2, new PGvector(q32).toString());
                ps.setString(3, fp32.modelName());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(5);
                }
            }
        }
    }

    @Test
    @Order(2)
    void aSwitchWithTooManyRowsMissingIsRefusedAndAnAbortLeavesServingUntouched() throws Exception {
        // Back to INT8: the sink has INT8 too, but no backfill has run yet.
        Reindexer back = new Reindexer(pg.jdbcUrl(DB), pg.superuser(), pg.superuserPassword(), int8);
        back.start();
        send(1, "Note/after-start", 0);
        awaitStore();
        assertThatThrownBy(() -> back.switchOver(5)).isInstanceOf(Reindexer.NotReadyException.class);
        assertThat(serving()).isEqualTo(fp32.modelName());
        assertThat(count("SELECT count(*) FROM ehrflow.chunk WHERE next_model_name = '" + int8.modelName()
                + "' AND next_content_hash = content_hash")).as("the sink dual-wrote its new set").isEqualTo(2);

        back.abort();
        assertThat(count("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'ehrflow' "
                + "AND table_name = 'chunk' AND column_name LIKE 'next\\_%'")).isZero();
        send(2, "Note/after-abort", 0);
        awaitStore();
        assertThat(back.status().building()).isNull();
        assertThat(serving()).isEqualTo(fp32.modelName());
        assertThat(app.isRunning()).isTrue();
    }

    private static void searchLoop(AtomicBoolean running, float[] q8, float[] q32, AtomicInteger servedInt8,
            AtomicInteger servedFp32, AtomicInteger refused, List<Throwable> failures) {
        try (Connection c = pg.connect(DB)) {
            c.setAutoCommit(false);
            while (running.get()) {
                String model;
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                        "SELECT model_name FROM ehrflow.embedding_model WHERE role = 'serving'")) {
                    rs.next();
                    model = rs.getString(1);
                }
                c.commit();
                boolean isInt8 = model.equals(int8.modelName());
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT model_name FROM ehrflow.search_chunks(?, ?::vector, 5, ?)")) {
                    ps.setString(1, patient(servedInt8.get() % PATIENTS));
                    ps.setString(2, new PGvector(isInt8 ? q8 : q32).toString());
                    ps.setString(3, model);
                    List<String> models = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            models.add(rs.getString(1));
                        }
                    }
                    c.commit();
                    if (models.isEmpty() || !models.stream().allMatch(model::equals)) {
                        failures.add(new AssertionError("a search returned " + models + " for " + model));
                    }
                    (isInt8 ? servedInt8 : servedFp32).incrementAndGet();
                } catch (SQLException e) {
                    c.rollback();
                    if (!"55000".equals(e.getSQLState())) {
                        throw e;
                    }
                    refused.incrementAndGet(); // switched between reading the model and searching: re-embed
                }
                Thread.sleep(20);
            }
        } catch (Exception e) {
            failures.add(e);
        }
    }

    private static void assertEveryRowIsTheNewModelsVectorOfItsLatestText() throws SQLException {
        List<String> texts = new ArrayList<>();
        List<float[]> stored = new ArrayList<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT patient_key, chunk_id, text, embedding::text FROM ehrflow.chunk ORDER BY 1, 2")) {
            int rows = 0;
            while (rs.next()) {
                rows++;
                assertThat(rs.getString(3)).as("latest text of a row").isEqualTo(
                        expected.get(rs.getString(1) + " " + rs.getString(2)));
                texts.add(rs.getString(3));
                stored.add(new PGvector(rs.getString(4)).toArray());
            }
            assertThat(rows).as("one row per chunk sent, none lost or duplicated").isEqualTo(expected.size());
        }
        List<float[]> fresh = fp32.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(dot(stored.get(i), fresh.get(i))).as("row %d holds the FP32 vector of its text", i)
                    .isGreaterThan(0.999);
        }
    }

    private static void send(int patient, String sourceId, int version) throws Exception {
        String key = patient(patient);
        String a = "Synthetic " + sourceId + " v" + version + ": dyspnoea on exertion, ankle swelling, plan diuretic.";
        String b = "Synthetic " + sourceId + " v" + version + ": follow-up in " + (version % 9 + 1) + " weeks.";
        ChunkSet set = Fixtures.upsert(key, sourceId, a, b);
        expected.put(key + " " + sourceId + "#0", a);
        expected.put(key + " " + sourceId + "#1", b);
        producer.send(new ProducerRecord<>(Topics.CHUNKS.name(), key, Fixtures.bytes(set))).get();
    }

    private static void awaitStore() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            int match = 0;
            try (Statement st = db.createStatement();
                    ResultSet rs = st.executeQuery("SELECT patient_key, chunk_id, text FROM ehrflow.chunk")) {
                while (rs.next()) {
                    if (rs.getString(3).equals(expected.get(rs.getString(1) + " " + rs.getString(2)))) {
                        match++;
                    }
                }
            }
            return match == expected.size();
        });
    }

    private static String serving() throws SQLException {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT model_name FROM ehrflow.embedding_model WHERE role = 'serving'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long count(String sql) throws SQLException {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String patient(int i) {
        return PatientKey.of("urn:oid:2.16.840.1.113883.3.1", "MRN-REINDEX-" + i);
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
