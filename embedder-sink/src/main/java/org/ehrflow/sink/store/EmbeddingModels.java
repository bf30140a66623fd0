package org.ehrflow.sink.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.ehrflow.embedding.Embedder;

/**
 * {@code ehrflow.embedding_model}: the serving model (the one in {@code ehrflow.chunk.embedding}) and the one a
 * re-index is building into the shadow columns. Every writer's transaction starts with {@link #fence}, a
 * {@code FOR SHARE} read of these rows; the re-index takes them {@code FOR UPDATE} before it adds, renames or
 * drops columns, so the two never overlap and a writer always sees the columns its statements name.
 */
public final class EmbeddingModels {

    private static final String READ_FOR_SHARE =
            "SELECT role, model_name, dimensions FROM ehrflow.embedding_model FOR SHARE";
    private static final String READ_FOR_UPDATE =
            "SELECT role, model_name, dimensions FROM ehrflow.embedding_model FOR UPDATE";
    private static final String CLAIM = """
            INSERT INTO ehrflow.embedding_model (role, model_name, dimensions) VALUES ('serving', ?, ?)
            ON CONFLICT (role) DO NOTHING""";

    private EmbeddingModels() {
    }

    /** A model by its stored name and vector length. */
    public record Model(String name, int dimensions) {
    }

    /**
     * The registry's content.
     *
     * @param serving  the model of {@code ehrflow.chunk.embedding}; null only before the first sink starts
     * @param building the model a re-index is writing into the shadow columns, or null
     */
    public record Generations(Model serving, Model building) {

        /** True while the shadow columns exist (a re-index has started and not switched or been aborted). */
        public boolean shadowColumns() {
            return building != null;
        }
    }

    /** Reads the registry and locks its rows against a concurrent switch until the transaction ends. */
    public static Generations fence(Connection c) throws SQLException {
        return read(c, READ_FOR_SHARE);
    }

    /** Reads and locks the registry for a change of the chunk table's columns (re-index only). */
    public static Generations lockForChange(Connection c) throws SQLException {
        return read(c, READ_FOR_UPDATE);
    }

    /**
     * Makes {@code e} the serving model of an empty registry (a new store), in the caller's transaction; a
     * registry that already names a serving model is left as it is. Returns the registry afterwards.
     */
    public static Generations claim(Connection c, Embedder e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
            ps.setString(1, e.modelName());
            ps.setInt(2, e.dimensions());
            ps.executeUpdate();
        }
        return fence(c);
    }

    private static Generations read(Connection c, String sql) throws SQLException {
        Model serving = null;
        Model building = null;
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Model m = new Model(rs.getString(2), rs.getInt(3));
                if ("serving".equals(rs.getString(1))) {
                    serving = m;
                } else {
                    building = m;
                }
            }
        }
        return new Generations(serving, building);
    }
}
