package org.ehrflow.chunker.bench;

import java.util.ArrayList;
import java.util.List;
import org.ehrflow.chunker.Corpus;
import org.ehrflow.chunker.TestSupport;
import org.ehrflow.schemas.FhirRecord;

/** The benchmark workload: every 10th note of the shared corpus plus every 10th structured resource, in order. */
final class BenchInputs {

    private BenchInputs() {
    }

    static List<FhirRecord> records() {
        List<FhirRecord> out = new ArrayList<>();
        List<Corpus.Entry> all = Corpus.all();
        for (int i = 0; i < all.size(); i += 10) {
            Corpus.Entry e = all.get(i);
            out.add(TestSupport.upsert(e.resourceType(), e.id(), e.json()));
        }
        return out;
    }
}
