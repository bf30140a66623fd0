package org.ehrflow.sink.embed;

import org.ehrflow.sink.store.EmbeddingModels;
import org.ehrflow.runtime.Secret;
import java.util.Properties;
import java.sql.SQLException;
import java.sql.DriverManager;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.ehrflow.embedding.Embedder;
import org.ehrflow.sink.error.SinkFatalException;
import org.ehrflow.sink.store.EmbeddingModels.Generations;
import org.ehrflow.sink.store.EmbeddingModels.Model;

/**
 * Which of a sink's embedders fills which column, given the registry: the one named like the serving model
 * writes {@code embedding}; the one named like the model being built (if any) also writes the shadow column
 * {@code next_embedding} (dual writes). A sink configured with the old and the new model keeps writing through
 * a switch: afterwards its second model is the serving one. Pure.
 *
 * @param serving     embeds every chunk for {@code embedding}
 * @param building    embeds for {@code next_embedding}, or null (no re-index, or none of this sink's models)
 * @param generations the registry these roles were resolved from
 */
public record ModelRoles(Embedder serving, Embedder building, Generations generations) {

    public ModelRoles {
        Objects.requireNonNull(serving, "serving");
        Objects.requireNonNull(generations, "generations");
    }

    /**
     * Resolves the roles of {@code embedders} (the sink's configured models, primary first); throws
     * {@link SinkFatalException} when none of them is the serving model or a vector length differs.
     */
    public static ModelRoles resolve(Generations g, List<Embedder> embedders) {
        if (g.serving() == null) {
            throw new SinkFatalException("ehrflow.embedding_model names no serving model (the sink registers its "
                    + "model when it starts)", null);
        }
        Embedder serving = find(g.serving(), embedders);
        if (serving == null) {
            List<String> names = new ArrayList<>();
            embedders.forEach(e -> names.add(e.modelName()));
            throw new SinkFatalException("readers are served model " + g.serving().name()
                    + " but this sink embeds with "
                    + names + ": set EHRFLOW_SINK_MODEL_VARIANT (or EHRFLOW_SINK_NEXT_MODEL_VARIANT during a re-index) "
                    + "to the serving model, or finish the re-index", null);
        }
        checkDimensions(g.serving(), serving, "ehrflow.chunk.embedding");
        Embedder building = g.building() == null ? null : find(g.building(), embedders);
        if (building != null) {
            checkDimensions(g.building(), building, "ehrflow.chunk.next_embedding");
        }
        return new ModelRoles(serving, building, g);
    }

    private static Embedder find(Model m, List<Embedder> embedders) {
        for (Embedder e : embedders) {
            if (e.modelName().equals(m.name())) {
                return e;
            }
        }
        return null;
    }

    private static void checkDimensions(Model m, Embedder e, String column) {
        if (m.dimensions() != e.dimensions()) {
            throw new SinkFatalException("model " + e.modelName() + " returns " + e.dimensions()
                    + "-dimensional vectors but " + column + " holds " + m.dimensions() + " for it: check "
                    + "EHRFLOW_SINK_EMBEDDER / EHRFLOW_SINK_EMBED_MODEL / EHRFLOW_SINK_EMBED_DIMENSIONS "
                    + "(another length needs a re-index)", null);
        }
    }

    /**
     * The shadow columns exist (a re-index is running); rows written without a shadow vector are left to the
     * re-index's backfill.
     */
    public boolean shadowColumns() {
        return generations.shadowColumns();
    }

    /** Name of the model written to {@code next_embedding}, or null. */
    public String buildingName() {
        return building == null ? null : building.modelName();
    }

    /**
     * Registers the first embedder as the serving model of a new store ({@code ehrflow.embedding_model}) and
     * checks that one of {@code embedders} is the serving model with the stored vector length, failing with a
     * message naming the settings otherwise. Here, not in {@code store}: the store knows rows, the model roles
     * are this package's (and {@code store} must not depend back on it).
     */
    public static void register(String url, String user, Secret password, List<Embedder> embedders) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password.value());
        try (Connection c = DriverManager.getConnection(url, p)) {
            c.setAutoCommit(false);
            EmbeddingModels.Generations g = EmbeddingModels.claim(c, embedders.get(0));
            c.commit();
            resolve(g, embedders);
        } catch (SQLException ex) {
            throw SinkFatalException.ofSql("the model registration", ex);
        }
    }
}
