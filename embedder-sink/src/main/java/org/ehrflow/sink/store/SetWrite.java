package org.ehrflow.sink.store;

import java.util.List;
import org.ehrflow.schemas.ChunkSet;

/** A chunk set ready to store: one vector per chunk, in chunk order (empty for DELETE). */
public record SetWrite(ChunkSet set, List<float[]> vectors) {

    public SetWrite {
        if (vectors.size() != set.chunks().size()) {
            throw new IllegalArgumentException("one vector per chunk expected");
        }
    }

    public SourceRef source() {
        return new SourceRef(set.patientKey(), set.sourceId());
    }
}
