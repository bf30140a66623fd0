package org.ehrflow.sink.store;

import java.util.List;
import org.ehrflow.schemas.ChunkSet;

/**
 * A chunk set ready to store: one vector per chunk, in chunk order (empty for DELETE), and during a re-index
 * with dual writes one vector per chunk of the model being built ({@code nextVectors}; null otherwise).
 */
public record SetWrite(ChunkSet set, List<float[]> vectors, List<float[]> nextVectors) {

    public SetWrite {
        if (vectors.size() != set.chunks().size() || (nextVectors != null && nextVectors.size() != vectors.size())) {
            throw new IllegalArgumentException("one vector per chunk expected");
        }
    }

    public SetWrite(ChunkSet set, List<float[]> vectors) {
        this(set, vectors, null);
    }

    public SourceRef source() {
        return new SourceRef(set.patientKey(), set.sourceId());
    }
}
