package org.ehrflow.chunker.topology;

import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The chunker's state stores (persistent, changelogged), all keyed by {@code <patient key>\u001f...} so one patient's
 * entries are a prefix range and a task owns all of a patient's state (the input is keyed by patient key).
 */
final class StateStores {

    /** {@code pk␟encounterId␟Type/id} to the rendered fact (JSON {@code Fact}). */
    static final String FACTS = "chunker-encounter-facts";
    /** {@code pk␟Type/id} to the encounter id an aggregatable resource was filed under, or "" for its own set. */
    static final String INDEX = "chunker-fact-index";
    /** {@code pk␟Type/id} to the resource's patient-summary item (JSON {@code Fact}). */
    static final String SUMMARY = "chunker-summary-items";
    /** {@code pk␟Type/id} to the names and identifiers a Patient/RelatedPerson/Practitioner made known. */
    static final String IDENTITY = "chunker-identities";
    /**
     * Observation series, two key families: {@code pk␟s␟code␟Observation/id} to the result (JSON
     * {@code SeriesPoint}), and {@code pk␟i␟Observation/id} to its code (which series a retraction leaves).
     */
    static final String SERIES = "chunker-observation-series";

    /**
     * With the document extractor: {@code pk␟Type/id} to the ingest time (epoch ms) of the newest extracted
     * document applied, so an older version that finished later in the OCR lane does not replace a newer one.
     */
    static final String DOCUMENT_VERSIONS = "chunker-document-versions";

    /**
     * {@code retired patient key} to the key it was merged into ({@link MergeRedirects}). Not patient state: a
     * MERGE never transfers it, so it is not in {@link #ALL}.
     */
    static final String MERGED_INTO = "chunker-merged-into";

    /** The patient state a MERGE moves to the survivor. */
    static final List<String> ALL = List.of(FACTS, INDEX, SUMMARY, IDENTITY, SERIES);
    /** Every store the chunk steps share: the patient state and the merge redirects. */
    static final List<String> SHARED = List.of(FACTS, INDEX, SUMMARY, IDENTITY, SERIES, MERGED_INTO);
    static final char SEP = '\u001f';

    private StateStores() {
    }

    static StoreBuilder<KeyValueStore<String, String>> builder(String name) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.String());
    }

    static String key(String... parts) {
        return String.join(String.valueOf(SEP), parts);
    }

    /** The prefix of every key of {@code patientKey} (with the separator, so "pk_1" never matches "pk_12"). */
    static String prefix(String... parts) {
        return key(parts) + SEP;
    }
}
