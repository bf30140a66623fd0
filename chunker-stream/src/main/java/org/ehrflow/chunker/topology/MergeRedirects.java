package org.ehrflow.chunker.topology;

import java.util.Optional;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.ehrflow.runtime.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which patients this task retired, and into whom: written when a MERGE passes through the retired patient's
 * task, read for every later record of that patient. A record keyed by a retired patient that arrives after its
 * MERGE (another ingress was slower, a process restarted mid-merge) is sent on to the survivor's task instead of
 * starting new state under the retired key: otherwise its encounter story and summary would be rebuilt under a
 * key whose rows the sink has already moved, and the survivor's story would lack the fact. The MERGE and every
 * later record of the retired key share a partition of the normalised topic, so this task always sees the MERGE
 * first: the redirect needs no table shared between tasks. Entries are kept for good, as the sink's
 * {@code ehrflow.patient_merge} is: a retired identifier does not come back.
 */
final class MergeRedirects {

    private static final Logger LOG = LoggerFactory.getLogger(MergeRedirects.class);

    /**
     * Redirects a record follows. One: the survivor's task cannot send it on again through the internal topic it
     * read it from (a Streams graph has no cycles), and another topic would not be ordered behind the next MERGE's
     * transfer. So after a chain of merges (A into B, then B into C) a late record of A is chunked under B, and the
     * sink files its rows under C ({@code ehrflow.patient_merge}); merges that form a loop end there too.
     */
    static final int MAX_HOPS = 1;

    private final KeyValueStore<String, String> store;

    MergeRedirects(ProcessorContext<?, ?> context) {
        this.store = context.getStateStore(StateStores.MERGED_INTO);
    }

    /** The patient {@code patientKey} was merged into, if this task retired it. */
    Optional<String> survivorOf(String patientKey) {
        return Optional.ofNullable(store.get(patientKey));
    }

    /**
     * Where a record of {@code patientKey} that has followed {@code hops} merges goes on to: its survivor, or empty
     * when the patient is not retired here or the record may not hop again ({@link #MAX_HOPS}: chunked here).
     */
    Optional<String> redirectFor(String patientKey, int hops) {
        Optional<String> survivor = survivorOf(patientKey);
        if (survivor.isPresent() && hops >= MAX_HOPS) {
            LOG.warn("patient={} was merged again; a redirected record is chunked under it", LogSafe.hash(patientKey));
            return Optional.empty();
        }
        return survivor;
    }

    /** Records that {@code retired} now lives on as {@code survivor} (a later merge of it replaces the entry). */
    void retire(String retired, String survivor) {
        if (!retired.equals(survivor)) {
            store.put(retired, survivor);
        }
    }
}
