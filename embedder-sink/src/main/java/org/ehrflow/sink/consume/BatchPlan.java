package org.ehrflow.sink.consume;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.sink.store.SourceRef;

/**
 * What one batch writes, decided without the database: the chunk sets in ordered {@link Step}s (merges split
 * the batch), the sets whose rows are replaced (the latest of each source per run) and the FHIR records for the
 * source-record store. Pure.
 *
 * @param sets      every accepted chunk set, batch order (superseded ones too: they advance watermarks)
 * @param resources the FHIR records, batch order
 * @param steps     the sets as ordered steps
 * @param toWrite   the sets whose rows are written, in step order
 */
record BatchPlan(List<ChunkSet> sets, List<FhirRecord> resources, List<Step> steps, List<ChunkSet> toWrite) {

    /** The plan of {@code items} (already redirected to merge survivors); rejected items are skipped. */
    static BatchPlan of(List<Decoded> items) {
        List<ChunkSet> sets = new ArrayList<>();
        List<FhirRecord> resources = new ArrayList<>();
        for (Decoded d : items) {
            if (d instanceof Decoded.Accepted a) {
                sets.add(a.set());
            } else if (d instanceof Decoded.Resource r) {
                resources.add(r.record());
            }
        }
        List<Step> steps = Step.of(sets);
        List<ChunkSet> toWrite = new ArrayList<>();
        steps.forEach(st -> toWrite.addAll(st.latest()));
        return new BatchPlan(sets, resources, steps, toWrite);
    }

    /** The patients {@code items} name (whose merge aliases are looked up before planning). */
    static Set<String> patientKeys(List<Decoded> items) {
        Set<String> keys = new HashSet<>();
        for (Decoded d : items) {
            if (d instanceof Decoded.Accepted a) {
                keys.add(a.set().patientKey());
            } else if (d instanceof Decoded.Resource r) {
                keys.add(r.record().patientKey());
            }
        }
        return keys;
    }

    /** The distinct sources written, for the stored-vector lookup. */
    List<SourceRef> sources() {
        return toWrite.stream().map(s -> new SourceRef(s.patientKey(), s.sourceId())).distinct().toList();
    }
}
