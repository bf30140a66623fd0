package org.ehrflow.sink.embed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.sink.error.ReasonCodes;
import org.ehrflow.sink.error.RecordFailure;
import org.ehrflow.sink.error.SinkFatalException;
import org.ehrflow.sink.error.TransientException;
import org.ehrflow.sink.store.SetWrite;
import org.ehrflow.sink.store.SourceRef;

/**
 * The vectors of one batch for both models of a re-index: the serving model's (reusing stored and twin vectors)
 * and, while a model is being built, its shadow vectors. One {@link VectorPlanner} per model lives as long as the
 * batch, so vectors survive the batch's retries. Pure apart from the embedders of the {@link ModelRoles}.
 */
public final class BatchVectors {

    private final Map<String, VectorPlanner> byModel = new HashMap<>();

    /**
     * The writes of {@code sets}: vectors of the serving model from {@code reusable} or the model, and with a
     * building model its shadow vectors from {@code nextStored} or that model. A model that fails on the data is
     * a {@link RecordFailure} ({@code EMBEDDING_FAILED}); a wrong setting or an endpoint that is down is not.
     */
    public Vectors plan(ModelRoles roles, List<ChunkSet> sets, Map<SourceRef, Map<String, float[]>> reusable,
            Map<SourceRef, Map<String, float[]>> nextStored) {
        VectorPlanner.Plan plan;
        VectorPlanner.Plan shadow = null;
        try {
            plan = of(roles.serving().modelName()).plan(sets, reusable, roles.serving()::embed);
            if (roles.buildingName() != null) {
                shadow = of(roles.buildingName()).plan(sets, nextStored, roles.building()::embed);
            }
        } catch (SinkFatalException | TransientException e) {
            throw e; // not this record's fault
        } catch (RuntimeException e) {
            throw new RecordFailure(ReasonCodes.EMBEDDING_FAILED, e);
        }
        List<SetWrite> writes = shadow == null ? plan.writes() : withShadow(plan, shadow);
        return new Vectors(writes, plan.embedded(), shadow == null ? 0 : shadow.embedded(), plan.reused());
    }

    private VectorPlanner of(String model) {
        return byModel.computeIfAbsent(model, m -> new VectorPlanner());
    }

    private static List<SetWrite> withShadow(VectorPlanner.Plan plan, VectorPlanner.Plan shadow) {
        List<SetWrite> out = new ArrayList<>(plan.writes().size());
        for (int i = 0; i < plan.writes().size(); i++) {
            SetWrite w = plan.writes().get(i);
            out.add(new SetWrite(w.set(), w.vectors(), shadow.writes().get(i).vectors()));
        }
        return out;
    }

    /**
     * The vectors of one attempt.
     *
     * @param writes         one per set, vectors (and shadow vectors with a building model) aligned with chunks
     * @param embedded       distinct texts the serving model ran on in this attempt (0 on a retry)
     * @param shadowEmbedded distinct texts the building model ran on in this attempt
     * @param reused         chunks that kept their stored vector
     */
    public record Vectors(List<SetWrite> writes, int embedded, int shadowEmbedded, int reused) {
    }
}
