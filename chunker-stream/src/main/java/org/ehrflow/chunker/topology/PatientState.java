package org.ehrflow.chunker.topology;

import static org.ehrflow.chunker.topology.StateStores.key;
import static org.ehrflow.chunker.topology.StateStores.prefix;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.ehrflow.chunker.chunking.aggregate.Fact;
import org.ehrflow.chunker.chunking.phi.KnownPhi;
import org.ehrflow.schemas.Json;

/**
 * Typed access to the chunker's per-patient state: encounter facts, their index, summary items, identities, and
 * observation series ({@link SeriesState}).
 */
final class PatientState {

    private final KeyValueStore<String, String> facts;
    private final KeyValueStore<String, String> index;
    private final KeyValueStore<String, String> summary;
    private final KeyValueStore<String, String> identity;
    private final KeyValueStore<String, String> seriesStore;
    private final SeriesState series;

    PatientState(ProcessorContext<?, ?> context) {
        this.facts = context.getStateStore(StateStores.FACTS);
        this.index = context.getStateStore(StateStores.INDEX);
        this.summary = context.getStateStore(StateStores.SUMMARY);
        this.identity = context.getStateStore(StateStores.IDENTITY);
        this.seriesStore = context.getStateStore(StateStores.SERIES);
        this.series = new SeriesState(seriesStore);
    }

    /** The patient's observation series. */
    SeriesState series() {
        return series;
    }

    /** The encounter an aggregatable resource is filed under: null unknown, "" its own set, else the id. */
    String filedUnder(String pk, String ref) {
        return index.get(key(pk, ref));
    }

    void file(String pk, String ref, String encounterIdOrEmpty) {
        index.put(key(pk, ref), encounterIdOrEmpty);
    }

    void unfile(String pk, String ref) {
        index.delete(key(pk, ref));
    }

    /** Puts the fact into the encounter; whether anything changed. */
    boolean putFact(String pk, String encounterId, Fact fact) {
        return put(facts, key(pk, encounterId, fact.ref()), fact);
    }

    /** Removes the fact from the encounter; whether it was there. */
    boolean removeFact(String pk, String encounterId, String ref) {
        return facts.delete(key(pk, encounterId, ref)) != null;
    }

    List<Fact> facts(String pk, String encounterId) {
        return values(facts, prefix(pk, encounterId), Fact.class);
    }

    /** Ids of the encounters that have facts of {@code pk}. */
    Set<String> encounters(String pk) {
        Set<String> out = new LinkedHashSet<>();
        String prefix = prefix(pk);
        try (KeyValueIterator<String, String> it = facts.prefixScan(prefix, new StringSerializer())) {
            while (it.hasNext()) {
                String rest = it.next().key.substring(prefix.length());
                out.add(rest.substring(0, rest.indexOf(StateStores.SEP)));
            }
        }
        return out;
    }

    /** Sets (or with null removes) the resource's summary item; whether anything changed. */
    boolean putSummary(String pk, String ref, Fact item) {
        if (item == null) {
            return summary.delete(key(pk, ref)) != null;
        }
        return put(summary, key(pk, ref), item);
    }

    List<Fact> summary(String pk) {
        return values(summary, prefix(pk), Fact.class);
    }

    /** Records (or with an empty one removes) what the resource makes known. */
    void putIdentity(String pk, String ref, KnownPhi known) {
        if (known.isEmpty()) {
            identity.delete(key(pk, ref));
        } else {
            put(identity, key(pk, ref), known);
        }
    }

    void removeIdentity(String pk, String ref) {
        identity.delete(key(pk, ref));
    }

    /** Everything known about the patient's and related persons' identity. */
    KnownPhi known(String pk) {
        Set<String> names = new LinkedHashSet<>();
        Set<String> ids = new LinkedHashSet<>();
        for (KnownPhi k : values(identity, prefix(pk), KnownPhi.class)) {
            names.addAll(k.names());
            ids.addAll(k.identifiers());
        }
        return names.isEmpty() && ids.isEmpty() ? KnownPhi.NONE : new KnownPhi(names, ids);
    }

    /**
     * Removes every entry of {@code pk} from this task's stores and returns them: store name to (key after the
     * patient-key prefix to stored value). Used by a MERGE to send the retired patient's state to the survivor.
     */
    Map<String, SortedMap<String, String>> take(String pk) {
        Map<String, SortedMap<String, String>> out = new LinkedHashMap<>();
        String prefix = prefix(pk);
        for (Map.Entry<String, KeyValueStore<String, String>> s : stores().entrySet()) {
            SortedMap<String, String> entries = new TreeMap<>();
            try (KeyValueIterator<String, String> it = s.getValue().prefixScan(prefix, new StringSerializer())) {
                it.forEachRemaining(e -> entries.put(e.key.substring(prefix.length()), e.value));
            }
            entries.keySet().forEach(rest -> s.getValue().delete(prefix + rest));
            out.put(s.getKey(), entries);
        }
        return out;
    }

    /**
     * Merges entries taken from another patient ({@link #take}) into {@code pk}; never overwrites: a resource
     * {@code pk} already knows (indexed or a summary item: it arrived under the survivor, so it is newer) keeps
     * {@code pk}'s version, facts and summary item included, and an identity entry {@code pk} has stays. Applying
     * the same entries twice changes nothing the second time.
     */
    Absorbed absorb(String pk, Map<String, SortedMap<String, String>> taken) {
        // Decided before anything is written: every entry of a resource travels in the same transfer record.
        Set<String> known = new HashSet<>();
        for (String store : List.of(StateStores.INDEX, StateStores.SUMMARY)) {
            for (String ref : taken.getOrDefault(store, new TreeMap<>()).keySet()) {
                if (index.get(key(pk, ref)) != null || summary.get(key(pk, ref)) != null) {
                    known.add(ref);
                }
            }
        }
        Set<String> encounters = new TreeSet<>();
        Set<String> codes = new TreeSet<>();
        boolean summaryChanged = false;
        for (Map.Entry<String, SortedMap<String, String>> s : taken.entrySet()) {
            KeyValueStore<String, String> store = stores().get(s.getKey());
            if (store == null) {
                throw new IllegalArgumentException("unknown store in transfer: " + s.getKey());
            }
            for (Map.Entry<String, String> e : s.getValue().entrySet()) {
                String rest = e.getKey();
                String ref = StateTransfer.ref(s.getKey(), rest);
                if (store != identity && known.contains(ref)) {
                    continue;
                }
                if (store.putIfAbsent(prefix(pk) + rest, e.getValue()) == null) {
                    if (store == facts) {
                        encounters.add(rest.substring(0, rest.indexOf(StateStores.SEP)));
                    } else if (store == seriesStore && SeriesState.codeOfEntry(rest) != null) {
                        codes.add(SeriesState.codeOfEntry(rest));
                    }
                    summaryChanged |= store == summary;
                }
            }
        }
        return new Absorbed(encounters, summaryChanged, codes);
    }

    /**
     * What {@link #absorb} added: encounters that gained facts, whether the summary gained items, the codes whose
     * observation series gained results.
     */
    record Absorbed(Set<String> encounters, boolean summaryChanged, Set<String> seriesCodes) {
    }

    private Map<String, KeyValueStore<String, String>> stores() {
        return Map.of(StateStores.FACTS, facts, StateStores.INDEX, index, StateStores.SUMMARY, summary,
                StateStores.IDENTITY, identity, StateStores.SERIES, seriesStore);
    }

    private static boolean put(KeyValueStore<String, String> store, String key, Object value) {
        String json = write(value);
        if (Objects.equals(store.get(key), json)) {
            return false;
        }
        store.put(key, json);
        return true;
    }

    private static <T> List<T> values(KeyValueStore<String, String> store, String prefix, Class<T> type) {
        List<T> out = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.prefixScan(prefix, new StringSerializer())) {
            while (it.hasNext()) {
                out.add(read(it.next().value, type));
            }
        }
        return out;
    }

    private static String write(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
