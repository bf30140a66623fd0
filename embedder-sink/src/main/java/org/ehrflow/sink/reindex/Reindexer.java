package org.ehrflow.sink.reindex;

import com.pgvector.PGvector;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.ehrflow.embedding.Embedder;
import org.ehrflow.runtime.Secret;
import org.ehrflow.sink.store.EmbeddingModels;
import org.ehrflow.sink.store.EmbeddingModels.Generations;
import org.ehrflow.sink.store.EmbeddingModels.Model;

/**
 * Model change without downtime: embeds every chunk row with a new model into shadow columns of
 * {@code ehrflow.chunk} while ingestion goes on, then switches readers to it in one transaction.
 *
 * <ol>
 *   <li>{@link #start}: registers the new model as {@code building} and adds {@code next_model_name},
 *       {@code next_content_hash}, {@code next_embedding vector(n)} (metadata-only, no table rewrite). Sinks
 *       configured with the new model as their second one write its vectors too from their next batch on.</li>
 *   <li>{@link #backfill}: one pass in primary-key order over rows whose shadow vector is missing or was made for
 *       another text; each page is embedded outside any transaction and written only where the row's text is
 *       still the one embedded ({@code content_hash} unchanged).</li>
 *   <li>{@link #switchOver}: under the registry's row lock (sink writes wait, reads go on) embeds the rows still
 *       missing (at most a bound, else it refuses), then takes the table's exclusive lock for a few catalog
 *       changes only: drop the old vectors, rename the shadow columns into place, update the registry. Readers
 *       see the old model's rows or the new one's, never a mix.</li>
 * </ol>
 * Works with one connection per step; logs and messages carry counts and model names only.
 */
public final class Reindexer {

    // A page of rows whose shadow vector is missing or stale, in primary-key order from a cursor.
    private static final String MISSING_PAGE = """
            SELECT patient_key, chunk_id, text, content_hash FROM ehrflow.chunk
            WHERE (patient_key, chunk_id) > (?, ?)
              AND (next_model_name IS DISTINCT FROM ? OR next_content_hash IS DISTINCT FROM content_hash)
            ORDER BY patient_key, chunk_id
            LIMIT ?""";
    private static final String MISSING_ANY = """
            SELECT patient_key, chunk_id, text, content_hash FROM ehrflow.chunk
            WHERE next_model_name IS DISTINCT FROM ? OR next_content_hash IS DISTINCT FROM content_hash
            LIMIT ?""";
    private static final String FILL = """
            UPDATE ehrflow.chunk SET next_model_name = ?, next_content_hash = ?, next_embedding = ?
            WHERE patient_key = ? AND chunk_id = ? AND content_hash = ?""";
    private static final String COUNTS = """
            SELECT count(*), count(*) FILTER (WHERE next_model_name = ? AND next_content_hash = content_hash)
            FROM ehrflow.chunk""";

    private final String url;
    private final Properties props = new Properties();
    private final Embedder target;

    public Reindexer(String url, String user, Secret password, Embedder target) {
        this.url = url;
        this.target = target;
        props.setProperty("user", user);
        props.setProperty("password", password.value());
        props.setProperty("ApplicationName", "ehrflow-reindex");
    }

    /** Where a re-index stands: rows in the store and rows whose shadow vector is current. */
    public record Progress(Model serving, Model building, long rows, long current) {
    }

    /** What a switch did: rows embedded under the lock, and how long sink writes and readers were held. */
    public record Switched(Model from, Model to, int caughtUp, long writesHeldMillis, long readersHeldMillis) {
    }

    /** The switch found more rows without a current shadow vector than it may embed while holding writes. */
    public static final class NotReadyException extends RuntimeException {
        private final int missing;

        NotReadyException(int missing, int limit) {
            super("more than " + limit + " rows still lack a vector of the new model (" + missing
                    + " found): run backfill again, and check that the sinks write the new model too");
            this.missing = missing;
        }

        public int missing() {
            return missing;
        }
    }

    /** Registers {@link #target} as the model being built and adds the shadow columns; resumes a started one. */
    public Progress start() throws SQLException {
        try (Connection c = open()) {
            lockTimeout(c);
            Generations g = EmbeddingModels.lockForChange(c);
            if (g.serving() == null) {
                throw new IllegalStateException("no serving model yet: start the sink once before a re-index");
            }
            if (g.serving().name().equals(target.modelName())) {
                throw new IllegalStateException("readers are already served " + target.modelName());
            }
            if (g.building() != null) {
                if (!g.building().name().equals(target.modelName())) {
                    throw new IllegalStateException("a re-index to " + g.building().name()
                            + " is in progress: abort it first");
                }
                c.rollback();
                return status();
            }
            try (Statement st = c.createStatement()) {
                st.execute("ALTER TABLE ehrflow.chunk ADD COLUMN next_model_name text, "
                        + "ADD COLUMN next_content_hash text, ADD COLUMN next_embedding public.vector("
                        + target.dimensions() + ")");
                // Inline like the served vector (V6): after the switch this column is the one every search scans.
                st.execute("ALTER TABLE ehrflow.chunk ALTER COLUMN next_embedding SET STORAGE MAIN");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO ehrflow.embedding_model (role, model_name, dimensions) VALUES ('building', ?, ?)")) {
                ps.setString(1, target.modelName());
                ps.setInt(2, target.dimensions());
                ps.executeUpdate();
            }
            c.commit();
        }
        return status();
    }

    /**
     * One pass over the store in primary-key order, filling every missing or stale shadow vector; returns the
     * rows written. Rows changed while a page was embedded are left for the next pass or the switch.
     */
    public long backfill(int pageSize) throws SQLException {
        long filled = 0;
        String afterKey = "";
        String afterId = "";
        try (Connection c = open()) {
            while (true) {
                requireBuilding(EmbeddingModels.fence(c));
                List<Row> page = new ArrayList<>(pageSize);
                try (PreparedStatement ps = c.prepareStatement(MISSING_PAGE)) {
                    ps.setString(1, afterKey);
                    ps.setString(2, afterId);
                    ps.setString(3, target.modelName());
                    ps.setInt(4, pageSize);
                    readRows(ps, page);
                }
                c.rollback();
                if (page.isEmpty()) {
                    return filled;
                }
                Map<String, float[]> vectors = embed(page);
                requireBuilding(EmbeddingModels.fence(c));
                filled += fill(c, page, vectors);
                c.commit();
                Row last = page.get(page.size() - 1);
                afterKey = last.patientKey();
                afterId = last.chunkId();
            }
        }
    }

    /**
     * Switches readers and writers to {@link #target}: refuses with {@link NotReadyException} when more than
     * {@code catchUpLimit} rows lack a current shadow vector, else embeds those under the registry lock and
     * swaps the columns in one transaction.
     */
    public Switched switchOver(int catchUpLimit) throws SQLException {
        try (Connection c = open()) {
            lockTimeout(c);
            Generations g = EmbeddingModels.lockForChange(c);
            requireBuilding(g);
            long writesHeld = System.nanoTime();
            List<Row> missing = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(MISSING_ANY)) {
                ps.setString(1, target.modelName());
                ps.setInt(2, catchUpLimit + 1);
                readRows(ps, missing);
            }
            if (missing.size() > catchUpLimit) {
                c.rollback();
                throw new NotReadyException(missing.size(), catchUpLimit);
            }
            if (!missing.isEmpty()) {
                fill(c, missing, embed(missing));
            }
            long readersHeld;
            try (Statement st = c.createStatement()) {
                st.execute("LOCK TABLE ehrflow.chunk IN ACCESS EXCLUSIVE MODE");
                readersHeld = System.nanoTime();
                // Catalog changes only: dropping a column marks it dropped (its space is reclaimed as rows are
                // rewritten), renaming is a catalog update. The old NOT NULL check goes with the old columns.
                st.execute("ALTER TABLE ehrflow.chunk DROP COLUMN embedding, DROP COLUMN model_name, "
                        + "DROP COLUMN next_content_hash");
                st.execute("ALTER TABLE ehrflow.chunk RENAME COLUMN next_embedding TO embedding");
                st.execute("ALTER TABLE ehrflow.chunk RENAME COLUMN next_model_name TO model_name");
                // NOT VALID: enforced for every new row at once, proven for the existing ones below without
                // holding readers.
                st.execute("ALTER TABLE ehrflow.chunk ADD CONSTRAINT chunk_vector_present "
                        + "CHECK (embedding IS NOT NULL AND model_name IS NOT NULL) NOT VALID");
                // Column grants belong to the dropped columns: the de-identified reader gets the new ones.
                st.execute("GRANT SELECT (embedding, model_name) ON ehrflow.chunk TO ehrflow_deid_reader");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE ehrflow.embedding_model SET model_name = ?, "
                    + "dimensions = ?, since = clock_timestamp() WHERE role = 'serving'")) {
                ps.setString(1, target.modelName());
                ps.setInt(2, target.dimensions());
                ps.executeUpdate();
            }
            try (Statement st = c.createStatement()) {
                st.execute("DELETE FROM ehrflow.embedding_model WHERE role = 'building'");
            }
            c.commit();
            long end = System.nanoTime();
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.execute("ALTER TABLE ehrflow.chunk VALIDATE CONSTRAINT chunk_vector_present");
            }
            return new Switched(g.serving(), g.building(), missing.size(), (end - writesHeld) / 1_000_000,
                    (end - readersHeld) / 1_000_000);
        }
    }

    /** Start, backfill passes until few rows are missing, switch: the whole change in one call. */
    public Switched run(int pageSize, int catchUpLimit, int maxPasses) throws SQLException {
        start();
        NotReadyException last = null;
        for (int pass = 0; pass < maxPasses; pass++) {
            backfill(pageSize);
            try {
                return switchOver(catchUpLimit);
            } catch (NotReadyException e) {
                last = e;
            }
        }
        throw last;
    }

    /** Drops the shadow columns and forgets the model being built; the serving model is untouched. */
    public void abort() throws SQLException {
        try (Connection c = open()) {
            lockTimeout(c);
            Generations g = EmbeddingModels.lockForChange(c);
            if (g.building() == null) {
                c.rollback();
                return;
            }
            try (Statement st = c.createStatement()) {
                st.execute("ALTER TABLE ehrflow.chunk DROP COLUMN next_model_name, DROP COLUMN next_content_hash, "
                        + "DROP COLUMN next_embedding");
                st.execute("DELETE FROM ehrflow.embedding_model WHERE role = 'building'");
            }
            c.commit();
        }
    }

    /** The registry and, during a re-index, how many rows already have a current vector of the new model. */
    public Progress status() throws SQLException {
        try (Connection c = open()) {
            Generations g = EmbeddingModels.fence(c);
            long rows;
            long current = 0;
            if (g.building() == null) {
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT count(*) FROM ehrflow.chunk")) {
                    rs.next();
                    rows = rs.getLong(1);
                }
            } else {
                try (PreparedStatement ps = c.prepareStatement(COUNTS)) {
                    ps.setString(1, g.building().name());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        rows = rs.getLong(1);
                        current = rs.getLong(2);
                    }
                }
            }
            c.rollback();
            return new Progress(g.serving(), g.building(), rows, current);
        }
    }

    private void requireBuilding(Generations g) {
        if (g.building() == null || !g.building().name().equals(target.modelName())) {
            throw new IllegalStateException("no re-index to " + target.modelName() + " is in progress (building: "
                    + (g.building() == null ? "none" : g.building().name()) + ")");
        }
        if (g.building().dimensions() != target.dimensions()) {
            throw new IllegalStateException("the re-index registered " + g.building().dimensions()
                    + " dimensions but " + target.modelName() + " returns " + target.dimensions());
        }
    }

    private Map<String, float[]> embed(List<Row> rows) {
        Map<String, String> byHash = new LinkedHashMap<>();
        rows.forEach(r -> byHash.putIfAbsent(r.contentHash(), r.text()));
        List<float[]> vectors = target.embed(new ArrayList<>(byHash.values()));
        Map<String, float[]> out = new LinkedHashMap<>();
        int i = 0;
        for (String hash : byHash.keySet()) {
            out.put(hash, vectors.get(i++));
        }
        return out;
    }

    private int fill(Connection c, List<Row> rows, Map<String, float[]> vectors) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FILL)) {
            for (Row r : rows) {
                ps.setString(1, target.modelName());
                ps.setString(2, r.contentHash());
                ps.setObject(3, new PGvector(vectors.get(r.contentHash())));
                ps.setString(4, r.patientKey());
                ps.setString(5, r.chunkId());
                ps.setString(6, r.contentHash());
                ps.addBatch();
            }
            int n = 0;
            for (int u : ps.executeBatch()) {
                n += Math.max(u, 0);
            }
            return n;
        }
    }

    private static void readRows(PreparedStatement ps, List<Row> out) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
        }
    }

    // A reader's long query must not hold the switch (and every reader queued behind it) for long.
    private static void lockTimeout(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL lock_timeout = '10s'");
        }
    }

    private Connection open() throws SQLException {
        Connection c = DriverManager.getConnection(url, props);
        c.setAutoCommit(false);
        PGvector.addVectorType(c);
        return c;
    }

    private record Row(String patientKey, String chunkId, String text, String contentHash) {
    }
}
