package org.ehrflow.sink.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pgvector.PGvector;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.embedding.OnnxEmbedder;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.schemas.Chunk;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.Provenance;
import org.ehrflow.schemas.RecordOp;
import org.ehrflow.schemas.SourceType;
import org.ehrflow.sink.store.ChunkLookup;
import org.ehrflow.sink.store.Migrations;
import org.ehrflow.sink.store.SourceRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The V6 read path on a real PostgreSQL with pgvector and the real INT8 model: BM25 over the clinical text-search
 * preparation (HbA1c, LOINC codes, dates kept matchable), term statistics kept exact by the triggers through
 * inserts, updates, deletes and merges, hybrid/dense/lexical modes, filters, twins returned once with every source
 * (and a deleted twin leaving the other), identical text found for the sink's embed-once lookup, row-level
 * security unchanged for both reader roles, and the older signatures still answering.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HybridSearchIT {

    private static final String DB = "hybrid_it";
    private static final String PATIENT = "pk_00000000000000000000000000000001";
    private static final String OTHER = "pk_00000000000000000000000000000002";

    private static LocalPostgres pg;
    private static OnnxEmbedder model;
    private static Connection c;

    @BeforeAll
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    static void start() throws Exception {
        pg = LocalPostgres.startTemporary();
        pg.createDatabase(DB);
        Migrations.run(pg.jdbcUrl(DB), pg.superuser(), pg.superuserPassword());
        model = OnnxEmbedder.load(ModelVariant.INT8);
        c = pg.connect(DB);
        try (Statement st = c.createStatement()) {
            st.execute("INSERT INTO ehrflow.embedding_model (role, model_name, dimensions) VALUES ('serving', '"
                    + model.modelName() + "', 384) ON CONFLICT DO NOTHING");
            st.execute("CREATE ROLE hybrid_reader LOGIN PASSWORD 'reader-test-only' IN ROLE ehrflow_reader");
            st.execute("CREATE ROLE hybrid_deid LOGIN PASSWORD 'deid-test-only' IN ROLE ehrflow_deid_reader");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (c != null) {
            c.close();
        }
        if (model != null) {
            model.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void patientRecord() throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DELETE FROM ehrflow.chunk");
        }
        row(PATIENT, "Encounter/e1#0", "Encounter/e1", "Encounter", "e1", "Encounter", "Encounter", "2015-03-04",
                "Encounter | 2015-03-04\nHemoglobin A1c/Hemoglobin.total in Blood: 7.2 %. Category: laboratory.");
        row(PATIENT, "Encounter/e1#1", "Encounter/e1", "Encounter", "e1", "Encounter", "Encounter", "2015-03-04",
                "Encounter | 2015-03-04\nBody Mass Index: 31.2 kg/m2. Category: vital-signs.");
        row(PATIENT, "Encounter/e2#0", "Encounter/e2", "Encounter", "e2", "Encounter", "Encounter", "2019-06-01",
                "Encounter | 2019-06-01\nHemoglobin A1c/Hemoglobin.total in Blood: 6.1 %. LOINC 4548-4.");
        row(PATIENT, "Condition/c1#0", "Condition/c1", "Condition", null, "Condition", "Condition", "2012-01-10",
                "Condition | 2012-01-10\nCondition: Prediabetes. Clinical status: active.");
        row(PATIENT, "DocumentReference/d1#0", "DocumentReference/d1", "DocumentReference", "e2",
                "History and physical note", "Plan", "2019-06-01",
                "History and physical note | 2019-06-01 | Plan\nStart metformin 500 mg twice daily; recheck A1c in three months.");
        // The same note as a DiagnosticReport (Synthea's twin): identical text.
        row(PATIENT, "DiagnosticReport/r1#0", "DiagnosticReport/r1", "DiagnosticReport", "e2",
                "History and physical note", "Plan", "2019-06-01",
                "History and physical note | 2019-06-01 | Plan\nStart metformin 500 mg twice daily; recheck A1c in three months.");
        row(OTHER, "Encounter/x1#0", "Encounter/x1", "Encounter", "x1", "Encounter", "Encounter", "2015-03-04",
                "Encounter | 2015-03-04\nHemoglobin A1c/Hemoglobin.total in Blood: 9.9 %.");
    }

    @Test
    void clinicalTokensMatchAndBm25RanksTheRareTermFirst() throws SQLException {
        List<HybridHit> lexical = search(new HybridQuery(PATIENT, "HbA1c LOINC 4548-4", null, 10, null,
                SearchMode.LEXICAL, null));
        assertThat(lexical.get(0).hit().chunkId()).isEqualTo("Encounter/e2#0");
        assertThat(lexical.get(0).hit().distance()).isNaN();
        // "A1c/Hemoglobin.total" is split so 'a1c' matches; the date matches as one day.
        List<HybridHit> onDate = search(query("A1c on 2015-03-04").withMode(SearchMode.LEXICAL));
        assertThat(onDate.get(0).hit().chunkId()).isEqualTo("Encounter/e1#0");
        assertThat(texts(c, "SELECT unnest(ehrflow.lex_terms('HbA1c B12 CD4 SpO2 COVID-19 E11.9'))"))
                .contains("hba1c", "b12", "cd4", "spo2", "covid19", "covid", "e11.9");
        List<HybridHit> hybrid = search(query("What was the A1c on 2015-03-04?"));
        assertThat(hybrid.get(0).hit().chunkId()).isEqualTo("Encounter/e1#0");
        assertThat(hybrid.get(0).denseRank()).isNotNull();
        assertThat(hybrid.get(0).lexicalRank()).isEqualTo(1);
        List<HybridHit> dense = search(query("blood sugar control test").withMode(SearchMode.DENSE));
        assertThat(dense).hasSize(5);   // 6 rows, the twins collapsed
        assertThat(dense).allMatch(h -> h.lexicalRank() == null);
    }

    @Test
    void termStatisticsStayExactThroughUpdatesDeletesAndMerges() throws SQLException {
        assertStatsMatchRows();
        try (Statement st = c.createStatement()) {
            st.execute("UPDATE ehrflow.chunk SET text = 'Condition | 2012-01-10\nCondition: Type 2 diabetes mellitus.'"
                    + " WHERE chunk_id = 'Condition/c1#0'");
            assertStatsMatchRows();
            // A re-index rewriting vectors only: no statistics change (and no work beyond the comparison).
            st.execute("UPDATE ehrflow.chunk SET indexed_at = clock_timestamp()");
            assertStatsMatchRows();
            st.execute("DELETE FROM ehrflow.chunk WHERE source_id = 'Encounter/e1'");
            assertStatsMatchRows();
            // A merge moves rows between hash partitions: the survivor gains, the retired patient's stats go.
            st.execute("UPDATE ehrflow.chunk SET patient_key = '" + PATIENT + "' WHERE patient_key = '" + OTHER + "'");
            assertStatsMatchRows();
            assertThat(count("SELECT count(*) FROM ehrflow.lex_stats WHERE patient_key = '" + OTHER + "'")).isZero();
            st.execute("DELETE FROM ehrflow.chunk");
            assertThat(count("SELECT count(*) FROM ehrflow.lex_term")).isZero();
            assertThat(count("SELECT count(*) FROM ehrflow.lex_stats")).isZero();
        }
    }

    @Test
    void filtersNarrowToTimeTypeEncounterNoteTypeAndSection() throws SQLException {
        SearchFilter in2015 = SearchFilter.NONE.between(Instant.parse("2015-01-01T00:00:00Z"),
                Instant.parse("2016-01-01T00:00:00Z"));
        assertThat(sources(search(query("A1c").withFilter(in2015)))).containsOnly("Encounter/e1");
        assertThat(sources(search(query("A1c").withFilter(SearchFilter.NONE.resourceTypes("Condition")))))
                .containsOnly("Condition/c1");
        // The note and its DiagnosticReport twin are one hit citing both.
        assertThat(search(query("A1c").withFilter(SearchFilter.NONE.encounter("e2"))).stream()
                .flatMap(h -> h.sources().stream()).toList())
                .containsOnly("Encounter/e2", "DocumentReference/d1", "DiagnosticReport/r1");
        assertThat(search(query("A1c").withFilter(SearchFilter.NONE.noteTypes("History and physical note")
                .sections("Plan")))).singleElement().extracting(HybridHit::sources)
                .isEqualTo(List.of("DiagnosticReport/r1", "DocumentReference/d1"));
        assertThat(search(query("A1c").withFilter(SearchFilter.NONE.sections("Nothing")))).isEmpty();
    }

    @Test
    void twinsComeBackOnceCitingEverySourceAndADeletedTwinLeavesTheOther() throws SQLException {
        List<HybridHit> hits = search(query("metformin plan"));
        List<HybridHit> plan = hits.stream().filter(h -> h.hit().text().contains("metformin")).toList();
        assertThat(plan).hasSize(1);
        assertThat(plan.get(0).sources()).containsExactly("DiagnosticReport/r1", "DocumentReference/d1");
        // Rows written without citations cite their own source; the hit cites every twin's.
        assertThat(plan.get(0).cites()).containsExactly("DiagnosticReport/r1", "DocumentReference/d1");
        try (Statement st = c.createStatement()) {
            st.execute("DELETE FROM ehrflow.chunk WHERE source_id = 'DocumentReference/d1'");
        }
        List<HybridHit> after = search(query("metformin plan")).stream()
                .filter(h -> h.hit().text().contains("metformin")).toList();
        assertThat(after).hasSize(1);
        assertThat(after.get(0).sources()).containsExactly("DiagnosticReport/r1");
    }

    @Test
    void theSinkFindsAStoredVectorForIdenticalTextUnderAnotherSource() throws SQLException {
        String text = "History and physical note | 2019-06-01 | Plan\n"
                + "Start metformin 500 mg twice daily; recheck A1c in three months.";
        String hash = sha256(text);
        ChunkSet resent = new ChunkSet(PATIENT, RecordOp.UPSERT, "DocumentReference/d9", "DocumentReference", "1",
                "e2", "History and physical note",
                List.of(new Chunk("DocumentReference/d9#0", 0, "Plan", text, 30, hash, false, List.of())),
                        provenance());
        Map<SourceRef, Map<String, float[]>> reusable = new ChunkLookup().withTwins(c, List.of(resent), new HashMap<>(),
                model.modelName());
        assertThat(reusable.get(new SourceRef(PATIENT, "DocumentReference/d9"))).containsKey(hash);
        // Another patient's identical text is never reused across patients.
        ChunkSet other = new ChunkSet(OTHER, RecordOp.UPSERT, "DocumentReference/d9", "DocumentReference", "1", null,
                null, resent.chunks(), provenance());
        assertThat(new ChunkLookup().withTwins(c, List.of(other), new HashMap<>(), model.modelName())).isEmpty();
    }

    @Test
    void readersSeeOnlyTheirPatientAndTheOlderSignaturesStillAnswer() throws Exception {
        try (Connection r = DriverManager.getConnection(pg.jdbcUrl(DB), "hybrid_reader", "reader-test-only")) {
            r.setAutoCommit(false);
            ChunkSearch.scopeTo(r, PATIENT);
            assertThat(ChunkSearch.search(r, query("A1c"))).isNotEmpty();
            // Naming another patient in the call than in the session: nothing.
            assertThat(ChunkSearch.search(r, HybridQuery.of(OTHER, "A1c", vector("A1c"), 5))).isEmpty();
            assertThat(count(r, "SELECT count(*) FROM ehrflow.lex_term WHERE patient_key = '" + OTHER + "'")).isZero();
            assertThat(count(r, "SELECT count(*) FROM ehrflow.lex_stats")).isEqualTo(1);
            assertThat(ChunkSearch.search(r, PATIENT, vector("A1c"), 3)).hasSize(3);
            assertThat(ChunkSearch.search(r, PATIENT, vector("A1c"), 3, model.modelName())).hasSize(3);
            r.rollback();
            // No patient named: nothing at all.
            assertThat(ChunkSearch.search(r, query("A1c"))).isEmpty();
            r.rollback();
        }
        try (Connection d = DriverManager.getConnection(pg.jdbcUrl(DB), "hybrid_deid", "deid-test-only")) {
            d.setAutoCommit(false);
            ChunkSearch.scopeTo(d, PATIENT);
            // The de-identified reader keeps its dense search; lexemes of the raw text are not granted to it.
            try (PreparedStatement ps = d.prepareStatement(
                    "SELECT count(*) FROM ehrflow.search_chunks_deid(?, ?::vector, 3, NULL)")) {
                ps.setString(1, PATIENT);
                ps.setString(2, new PGvector(vector("A1c")).toString());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(3);
                }
            }
            assertThatThrownBy(() -> count(d, "SELECT count(*) FROM ehrflow.chunk WHERE lex @@ 'a1c'::tsquery"))
                    .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("42501");
            d.rollback();
            assertThatThrownBy(() -> ChunkSearch.search(d, query("A1c")))
                    .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("42501");
            d.rollback();
        }
    }

    @Test
    void badArgumentsAreRefusedWithTheirSqlState() {
        assertThatThrownBy(() -> rawMode("fuzzy")).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("22023");
        assertThatThrownBy(() -> ChunkSearch.search(c, query("A1c").withModel("another-model")))
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("55000");
    }

    private static void rawMode(String mode) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM ehrflow.search_chunks(?, NULL, 'x', 3, NULL, p_mode => ?)")) {
            ps.setString(1, PATIENT);
            ps.setString(2, mode);
            ps.executeQuery().close();
        }
    }

    /** The triggers' statistics equal a recount from the rows. */
    private static void assertStatsMatchRows() throws SQLException {
        assertThat(count("""
                SELECT count(*) FROM (
                  (SELECT patient_key, term, df FROM ehrflow.lex_term
                   EXCEPT SELECT c.patient_key, u.lexeme, count(*) FROM ehrflow.chunk c, unnest(c.lex) u GROUP BY 1, 2)
                  UNION ALL
                  (SELECT c.patient_key, u.lexeme, count(*) FROM ehrflow.chunk c, unnest(c.lex) u GROUP BY 1, 2
                   EXCEPT SELECT patient_key, term, df FROM ehrflow.lex_term)) d""")).isZero();
        assertThat(count("""
                SELECT count(*) FROM (
                  (SELECT patient_key, docs, total_len FROM ehrflow.lex_stats
                   EXCEPT SELECT patient_key, count(*), sum(length(lex)) FROM ehrflow.chunk GROUP BY 1)
                  UNION ALL
                  (SELECT patient_key, count(*), sum(length(lex)) FROM ehrflow.chunk GROUP BY 1
                   EXCEPT SELECT patient_key, docs, total_len FROM ehrflow.lex_stats)) d""")).isZero();
    }

    private HybridQuery query(String text) {
        return HybridQuery.of(PATIENT, text, vector(text), 10);
    }

    private static List<HybridHit> search(HybridQuery q) throws SQLException {
        return ChunkSearch.search(c, q);
    }

    private static List<String> sources(List<HybridHit> hits) {
        return hits.stream().map(h -> h.hit().sourceId()).distinct().toList();
    }

    private static float[] vector(String text) {
        return model.embedQuery(text);
    }

    private static void row(String pk, String chunkId, String sourceId, String type, String encounter,
            String noteType, String section, String day, String text) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO ehrflow.chunk (patient_key, chunk_id, source_id, resource_type, encounter_id, note_type,
                    section, chunk_index, text, token_count, content_hash, phi_present, source_type, source_system,
                    source_message_id, raw_partition, raw_offset, event_time, ingest_time, model_name, embedding)
                VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, 20, ?, false, 'FHIR', 'it', 'm-1', 0, 0, ?, now(), ?, ?::vector)""")) {
            ps.setString(1, pk);
            ps.setString(2, chunkId);
            ps.setString(3, sourceId);
            ps.setString(4, type);
            ps.setString(5, encounter);
            ps.setString(6, noteType);
            ps.setString(7, section);
            ps.setString(8, text);
            ps.setString(9, sha256(text));
            ps.setObject(10, OffsetDateTime.of(LocalDate.parse(day).atTime(10, 0), ZoneOffset.UTC));
            ps.setString(11, model.modelName());
            ps.setString(12, new PGvector(model.embed(List.of(text)).get(0)).toString());
            ps.executeUpdate();
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Provenance provenance() {
        return new Provenance(SourceType.FHIR, "it", "m-9", "ehr.raw.fhir.v1", 0, 0L, Instant.now(), Instant.now());
    }

    private static long count(String sql) throws SQLException {
        return count(c, sql);
    }

    private static long count(Connection conn, String sql) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> texts(Connection conn, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
