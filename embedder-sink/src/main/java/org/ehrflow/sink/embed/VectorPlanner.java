package org.ehrflow.sink.embed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ehrflow.schemas.Chunk;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.sink.store.SetWrite;
import org.ehrflow.sink.store.SourceRef;

/**
 * Decides which chunk texts need the model: a text whose content hash is already stored for its source with the
 * same model keeps its stored vector, and equal texts in one batch are embedded once. Vectors computed for a
 * batch are kept across retries of that batch, so a transient database fault never re-runs the model. Pure
 * apart from the {@link EmbedFunction} it is given.
 */
public final class VectorPlanner {

    /** Embeds texts in order; the sink passes its Embedder. */
    @FunctionalInterface
    public interface EmbedFunction {
        List<float[]> embed(List<String> texts);
    }

    private final Map<String, float[]> computed = new HashMap<>();

    /**
     * One {@link SetWrite} per set, with vectors reused from {@code stored} (per source, by content hash) or
     * computed by {@code embed} in one call.
     */
    public Plan plan(List<ChunkSet> sets, Map<SourceRef, Map<String, float[]>> stored, EmbedFunction embed) {
        Map<String, String> toEmbed = new LinkedHashMap<>();
        for (ChunkSet s : sets) {
            Map<String, float[]> known = stored.getOrDefault(new SourceRef(s.patientKey(), s.sourceId()), Map.of());
            for (Chunk c : s.chunks()) {
                if (!known.containsKey(c.contentHash()) && !computed.containsKey(c.contentHash())) {
                    toEmbed.putIfAbsent(c.contentHash(), c.text());
                }
            }
        }
        if (!toEmbed.isEmpty()) {
            List<String> hashes = new ArrayList<>(toEmbed.keySet());
            List<float[]> vectors = embed.embed(new ArrayList<>(toEmbed.values()));
            for (int i = 0; i < hashes.size(); i++) {
                computed.put(hashes.get(i), vectors.get(i));
            }
        }
        List<SetWrite> out = new ArrayList<>(sets.size());
        int reused = 0;
        for (ChunkSet s : sets) {
            Map<String, float[]> known = stored.getOrDefault(new SourceRef(s.patientKey(), s.sourceId()), Map.of());
            List<float[]> vectors = new ArrayList<>(s.chunks().size());
            for (Chunk c : s.chunks()) {
                float[] v = known.get(c.contentHash());
                if (v != null) {
                    reused++;
                } else {
                    v = computed.get(c.contentHash());
                }
                vectors.add(v);
            }
            out.add(new SetWrite(s, vectors));
        }
        return new Plan(out, toEmbed.size(), reused);
    }

    /**
     * The writes of one attempt.
     *
     * @param writes   one per set, vectors aligned with chunks
     * @param embedded distinct texts the model ran on in this attempt (0 on a retry)
     * @param reused   chunks that kept their stored vector (hash and model unchanged)
     */
    public record Plan(List<SetWrite> writes, int embedded, int reused) {
    }
}
