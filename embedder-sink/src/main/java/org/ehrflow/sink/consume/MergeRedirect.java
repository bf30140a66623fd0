package org.ehrflow.sink.consume;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.RecordOp;

/**
 * Files the records of a batch that belong to a patient merged away (before the batch, from
 * {@code ehrflow.patient_merge}, or by a MERGE earlier in the same batch) under the survivor, so that a merge which
 * overtook the retired patient's last facts upstream leaves the same state as one that came after them. Pure: no
 * database, no Kafka types.
 */
final class MergeRedirect {

    private final Map<String, String> survivor;

    /** @param stored retired key -> surviving key, as stored before this batch */
    MergeRedirect(Map<String, String> stored) {
        this.survivor = new HashMap<>(stored);
    }

    /** {@code items} in order, each record of a retired patient re-keyed to its survivor. */
    List<Decoded> apply(List<Decoded> items) {
        List<Decoded> out = new ArrayList<>(items.size());
        for (Decoded d : items) {
            if (d instanceof Decoded.Accepted a) {
                ChunkSet s = rekey(a.set());
                out.add(s == a.set() ? d : new Decoded.Accepted(s));
            } else if (d instanceof Decoded.Resource r) {
                FhirRecord f = rekey(r.record());
                out.add(f == r.record() ? d : new Decoded.Resource(f));
            } else {
                out.add(d);
            }
        }
        return out;
    }

    private ChunkSet rekey(ChunkSet s) {
        // A MERGE keeps its own key: each topic's merge moves that topic's rows of the retired patient, even when
        // the other topic's merge already recorded the alias. Only its target follows a later merge.
        boolean merge = s.op() == RecordOp.MERGE;
        String key = merge ? s.patientKey() : of(s.patientKey());
        String target = s.targetPatientKey() == null ? null : of(s.targetPatientKey());
        if (merge) {
            merged(key, target);
        }
        if (key.equals(s.patientKey()) && Objects.equals(target, s.targetPatientKey())) {
            return s;
        }
        return new ChunkSet(key, s.op(), s.sourceId(), s.resourceType(), s.resourceVersion(), s.encounterId(),
                s.noteType(), s.chunks(), s.provenance(), target);
    }

    private FhirRecord rekey(FhirRecord r) {
        // A MERGE keeps its own key: each topic's merge moves that topic's rows of the retired patient, even when
        // the other topic's merge already recorded the alias. Only its target follows a later merge.
        boolean merge = r.op() == RecordOp.MERGE;
        String key = merge ? r.patientKey() : of(r.patientKey());
        String target = r.targetPatientKey() == null ? null : of(r.targetPatientKey());
        if (merge) {
            merged(key, target);
        }
        if (key.equals(r.patientKey()) && Objects.equals(target, r.targetPatientKey())) {
            return r;
        }
        return new FhirRecord(key, r.op(), r.resourceType(), r.resourceId(), r.versionId(), r.encounterId(),
                r.resourceJson(), r.provenance(), target);
    }

    private String of(String key) {
        return survivor.getOrDefault(key, key);
    }

    /** A merge in this batch: later records of {@code retired} (and of what it absorbed) go to {@code surviving}. */
    private void merged(String retired, String surviving) {
        if (retired.equals(surviving)) {
            return;
        }
        survivor.replaceAll((k, v) -> v.equals(retired) ? surviving : v);
        survivor.put(retired, surviving);
    }
}
