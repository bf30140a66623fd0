package org.ehrflow.sink.consume;

import java.sql.SQLException;
import java.util.List;
import org.ehrflow.embedding.Embedder;
import org.ehrflow.sink.embed.ModelRoles;
import org.ehrflow.sink.store.EmbeddingModels;
import org.ehrflow.sink.store.PgSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The roles of the sink's models (primary first: during a re-index the second is the model being built) read
 * from the registry under the fence at the start of each attempt's lookup transaction; the write transaction
 * checks them again under its own fence ({@link ChunkTransaction}).
 */
final class ModelFence {

    private static final Logger LOG = LoggerFactory.getLogger(ModelFence.class);

    private final PgSession pg;
    private final List<Embedder> embedders;
    private EmbeddingModels.Generations lastSeen;

    ModelFence(PgSession pg, List<Embedder> embedders) {
        this.pg = pg;
        this.embedders = List.copyOf(embedders);
    }

    /**
     * The current roles. A change since the last batch drops the connection first, so no server-side prepared
     * statement planned against the old columns is reused.
     */
    ModelRoles roles() throws SQLException {
        EmbeddingModels.Generations g = EmbeddingModels.fence(pg.get());
        if (lastSeen != null && !lastSeen.equals(g)) {
            LOG.info("embedding models changed: serving {}, building {}", g.serving().name(),
                    g.building() == null ? "none" : g.building().name());
            pg.reset();
            g = EmbeddingModels.fence(pg.get());
        }
        lastSeen = g;
        return ModelRoles.resolve(g, embedders);
    }
}
