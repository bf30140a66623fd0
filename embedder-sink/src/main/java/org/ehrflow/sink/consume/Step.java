package org.ehrflow.sink.consume;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.RecordOp;
import org.ehrflow.sink.store.SourceRef;

/**
 * The chunk sets of a batch as ordered steps: runs of UPSERT/DELETE sets (only the last set of each source
 * counts within a run) separated by MERGEs, which must see every earlier set applied and no later one.
 */
record Step(List<ChunkSet> all, List<ChunkSet> latest, ChunkSet merge) {

    static List<Step> of(List<ChunkSet> sets) {
        List<Step> out = new ArrayList<>();
        List<ChunkSet> run = new ArrayList<>();
        for (ChunkSet s : sets) {
            if (s.op() == RecordOp.MERGE) {
                addRun(out, run);
                run = new ArrayList<>();
                out.add(new Step(List.of(), List.of(), s));
            } else {
                run.add(s);
            }
        }
        addRun(out, run);
        return out;
    }

    private static void addRun(List<Step> out, List<ChunkSet> run) {
        if (run.isEmpty()) {
            return;
        }
        Map<SourceRef, ChunkSet> latest = new LinkedHashMap<>();
        for (ChunkSet s : run) {
            latest.put(new SourceRef(s.patientKey(), s.sourceId()), s); // a later set of a source supersedes
        }
        out.add(new Step(run, new ArrayList<>(latest.values()), null));
    }
}
