package org.ehrflow.api.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pgvector.PGvector;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.ehrflow.api.ApiFixture;
import org.ehrflow.api.auth.TextLevel;
import org.ehrflow.api.store.ConnectionFactory;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.embedding.OnnxEmbedder;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.runtime.Secret;
import org.ehrflow.schemas.PatientKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The raw search ({@code search_chunks_cited}) answers exactly what its former form (the four-argument function's
 * hits joined back to their rows, twins looked up from the joined row) answered: same hits in the same order, distances, sources and cited facts, for every k,
 * with twins, a twin's own cites, and another patient holding the same text (never a twin across patients).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SqlSearchBackendIT {

    /** The statement before the per-hit lookups (commit 0f42e26), kept as the reference. */
    private static final String FORMER_RAW = "SELECT s.chunk_id, s.source_id, s.distance, "
            + "ARRAY(SELECT DISTINCT t.source_id FROM ehrflow.chunk t WHERE t.patient_key = c.patient_key "
            + "AND t.content_hash = c.content_hash ORDER BY t.source_id), "
            + "ARRAY(SELECT DISTINCT x FROM ehrflow.chunk t, unnest(coalesce(t.cites, ARRAY[t.source_id])) x "
            + "WHERE t.patient_key = c.patient_key AND t.content_hash = c.content_hash ORDER BY x), s.text "
            + "FROM ehrflow.search_chunks(?, ?::vector, ?, ?) WITH ORDINALITY AS s "
            + "JOIN ehrflow.chunk c ON c.patient_key = ? AND c.chunk_id = s.chunk_id ORDER BY s.ordinality";
    private static final String A = PatientKey.of("urn:test", "SQL-A");
    private static final String B = PatientKey.of("urn:test", "SQL-B");
    private static final Instant T0 = Instant.parse("2026-04-01T08:00:00Z");

    private static LocalPostgres pg;
    private static OnnxEmbedder embedder;
    private static ConnectionFactory reader;

    @BeforeAll
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    static void start() throws Exception {
        pg = LocalPostgres.startTemporary();
        embedder = OnnxEmbedder.load(ModelVariant.INT8);
        ApiFixture.prepare(pg, embedder);
        String scan = "Knee X-ray after a fall: no fracture, soft tissue swelling.";
        String story = "Encounter for fever and cough; temperature 38.9, started amoxicillin.";
        List<ApiFixture.ChunkRow> rows = new ArrayList<>(List.of(
                new ApiFixture.ChunkRow(A, "DocumentReference/scan1", 0, scan, scan, "M1", T0),
                new ApiFixture.ChunkRow(A, "DiagnosticReport/r1", 0, scan, scan, "M2", T0),
                new ApiFixture.ChunkRow(A, "Encounter/e1", 0, story, story, "M3", T0),
                new ApiFixture.ChunkRow(A, "Encounter/e2", 0, story, story, "M4", T0),
                new ApiFixture.ChunkRow(B, "DocumentReference/b1", 0, scan, scan, "M5", T0)));
        String[] others = {"Blood pressure 142/90 at the clinic.", "Cough is better, no fever since Tuesday.",
            "Metformin 500 mg twice daily.", "Allergy to penicillin: rash.", "Chest X-ray clear.",
            "HbA1c 7.2 percent.", "Follow-up in two weeks for the knee."};
        for (int i = 0; i < others.length; i++) {
            rows.add(new ApiFixture.ChunkRow(A, "Observation/o" + i, 0, others[i], others[i], "N" + i, T0));
        }
        try (Connection c = pg.connect(ApiFixture.DB); Statement st = c.createStatement()) {
            ApiFixture.insertChunks(c, embedder, rows);
            st.execute("UPDATE ehrflow.chunk SET cites = ARRAY['Encounter/e1', 'Observation/o1', 'Observation/o6'] "
                    + "WHERE chunk_id = 'Encounter/e1#0'");
            st.execute("UPDATE ehrflow.chunk SET cites = ARRAY['Encounter/e2', 'MedicationRequest/m1'] "
                    + "WHERE chunk_id = 'Encounter/e2#0'");
            // an empty (not NULL) cites array: the row still counts as its text's source
            st.execute("UPDATE ehrflow.chunk SET cites = '{}' WHERE chunk_id = 'Observation/o2#0'");
        }
        reader = ConnectionFactory.of(pg.jdbcUrl(ApiFixture.DB), ApiFixture.READER, new Secret(ApiFixture.PASSWORD),
                "sql-backend-it");
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {embedder, pg}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void answersWhatTheFormerJoinAnswered() throws Exception {
        SqlSearchBackend backend = new SqlSearchBackend();
        int compared = 0;
        try (Connection c = reader.open()) {
            c.setAutoCommit(false);
            // many runs on one connection, as a pooled connection sees them
            for (String question : List.of("knee fracture after a fall", "fever and cough", "blood pressure")) {
                float[] v = embedder.embedQuery(question);
                for (int k = 1; k <= 12; k++) {
                    scope(c, A);
                    List<Hit> hits = backend.search(c, new SearchQuery(A, question, v, embedder.modelName(), k,
                            TextLevel.RAW, "dense", Map.of()));
                    List<Hit> expected = former(c, v, k);
                    c.rollback();
                    assertThat(hits).as("k=%d %s", k, question).hasSize(Math.min(k, 11));
                    assertThat(hits.stream().map(SqlSearchBackendIT::key).toList()).as("k=%d %s", k, question)
                            .containsExactlyElementsOf(expected.stream().map(SqlSearchBackendIT::key).toList());
                    compared += hits.size();
                }
            }
            scope(c, A);
            Hit scanHit = backend.search(c, new SearchQuery(A, "knee", embedder.embedQuery("knee x-ray fracture"),
                    embedder.modelName(), 1, TextLevel.RAW, "dense", Map.of())).get(0);
            c.rollback();
            assertThat(scanHit.sources()).as("twins of the patient only, never patient B's copy")
                    .containsExactlyInAnyOrder("DocumentReference/scan1", "DiagnosticReport/r1");
        }
        assertThat(compared).isGreaterThan(100);
    }

    @Test
    void refusesAnotherModelOtherDimensionsABadKAndTheDeidentifiedLogin() throws Exception {
        SqlSearchBackend backend = new SqlSearchBackend();
        float[] v = embedder.embedQuery("knee");
        try (Connection c = reader.open()) {
            c.setAutoCommit(false);
            scope(c, A);
            assertThatThrownBy(() -> backend.search(c, new SearchQuery(A, "knee", v, "another-model", 3,
                    TextLevel.RAW, "dense", Map.of()))).isInstanceOfSatisfying(SQLException.class,
                            e -> assertThat(e.getSQLState()).isEqualTo("55000"));
            c.rollback();
            scope(c, A);
            assertThatThrownBy(() -> backend.search(c, new SearchQuery(A, "knee", v, embedder.modelName(), 1001,
                    TextLevel.RAW, "dense", Map.of()))).isInstanceOfSatisfying(SQLException.class,
                            e -> assertThat(e.getSQLState()).isEqualTo("22023"));
            c.rollback();
            // a vector of another size than the serving model's: refused by the shared model check (both levels)
            scope(c, A);
            assertThatThrownBy(() -> backend.search(c, new SearchQuery(A, "knee", new float[383],
                    embedder.modelName(), 3, TextLevel.RAW, "dense", Map.of())))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22023"));
            c.rollback();
            // scoped to patient B, a search for A's key sees none of A's rows (row-level security)
            scope(c, B);
            assertThat(backend.search(c, new SearchQuery(A, "knee", v, embedder.modelName(), 5, TextLevel.RAW,
                    "dense", Map.of()))).isEmpty();
            c.rollback();
        }
        ConnectionFactory deid = ConnectionFactory.of(pg.jdbcUrl(ApiFixture.DB), ApiFixture.DEID,
                new Secret(ApiFixture.PASSWORD), "sql-backend-it-deid");
        try (Connection c = deid.open(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            scope(c, A);
            assertThatThrownBy(() -> backend.search(c, new SearchQuery(A, "knee", new float[383],
                    embedder.modelName(), 3, TextLevel.DEIDENTIFIED, "dense", Map.of())))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22023"));
            c.rollback();
            // the raw-text function is not the de-identified login's to call
            assertThatThrownBy(() -> st.executeQuery("SELECT * FROM ehrflow.search_chunks_cited('x', "
                    + "array_fill(0, ARRAY[384])::vector, 1, NULL)")).isInstanceOfSatisfying(SQLException.class,
                            e -> assertThat(e.getSQLState()).isEqualTo("42501"));
        }
    }

    /** What the two statements must agree on. */
    private record Key(String chunkId, String sourceId, double distance, String text, List<Hit.Citation> citations,
            List<String> sources) {
    }

    private static Key key(Hit h) {
        return new Key(h.chunkId(), h.sourceId(), h.distance(), h.text(), h.citations(), h.sources());
    }

    /** The former statement's hits, mapped as the backend maps its rows (ids, distance, text, sources, cites). */
    private static List<Hit> former(Connection c, float[] v, int k) throws SQLException {
        List<Hit> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(FORMER_RAW)) {
            ps.setString(1, A);
            ps.setString(2, new PGvector(v).toString());
            ps.setInt(3, k);
            ps.setString(4, embedder.modelName());
            ps.setString(5, A);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String chunkId = rs.getString(1);
                    String source = rs.getString(2);
                    List<Hit.Citation> citations = new ArrayList<>();
                    citations.add(new Hit.Citation(chunkId, source, "1"));
                    for (String cited : strings(rs.getArray(5))) {
                        if (!cited.equals(source)) {
                            citations.add(new Hit.Citation(chunkId, cited, null));
                        }
                    }
                    Set<String> sources = new LinkedHashSet<>();
                    sources.add(source);
                    sources.addAll(strings(rs.getArray(4)));
                    out.add(new Hit(chunkId, source, source.substring(0, source.indexOf('/')), null, null,
                            rs.getString(6), rs.getDouble(3), "HL7V2", null, T0, citations, List.copyOf(sources),
                            null));
                }
            }
        }
        return out;
    }

    private static List<String> strings(Array a) throws SQLException {
        return a == null ? List.of() : Arrays.asList((String[]) a.getArray());
    }

    private static void scope(Connection c, String patient) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('ehrflow.patient_key', ?, true)")) {
            ps.setString(1, patient);
            ps.executeQuery().close();
        }
    }
}
