package org.ehrflow.chunker.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.ehrflow.schemas.Json;
import org.ehrflow.schemas.Provenance;

/**
 * A retired patient's chunker state (or one part of it) on its way to the surviving patient's task after a MERGE:
 * the value of the internal topic {@link ChunkerTopology#MERGE_TRANSFER} (keyed by the surviving key, JSON).
 * Internal to this app, not part of the topic contract; it holds PHI (identity names) like the changelogs do.
 *
 * @param retiredKey  the patient key whose state was removed from the retired task's stores
 * @param survivorKey the patient key that absorbs it (the record key on the internal topic)
 * @param cause       provenance of the MERGE record, carried by the sets the survivor's task re-emits
 * @param entries     store name to (key after the patient-key prefix to stored value), exactly as in the stores
 */
record StateTransfer(String retiredKey, String survivorKey, Provenance cause,
        Map<String, SortedMap<String, String>> entries) {

    /** Most characters of entries per transfer record: well under the 1 MB default record size limit. */
    static final int MAX_PART_CHARS = 256 * 1024;

    StateTransfer {
        entries = Map.copyOf(entries);
    }

    /**
     * This transfer cut into records of about {@code maxChars} each. All entries of one resource ("Type/id": its
     * index entry, facts, summary item, identity) stay in one part, so each part can be merged on its own with
     * the survivor-wins rule; identities come first (later parts are tagged with them), then resources grouped
     * by encounter (a story is re-emitted once unless its facts exceed a part).
     */
    List<StateTransfer> parts(int maxChars) {
        Map<String, Map<String, SortedMap<String, String>>> byRef = new HashMap<>();
        Map<String, Integer> size = new HashMap<>();
        Map<String, String> order = new HashMap<>();
        for (Map.Entry<String, SortedMap<String, String>> store : entries.entrySet()) {
            for (Map.Entry<String, String> e : store.getValue().entrySet()) {
                String ref = ref(store.getKey(), e.getKey());
                byRef.computeIfAbsent(ref, r -> new HashMap<>())
                        .computeIfAbsent(store.getKey(), s -> new TreeMap<>()).put(e.getKey(), e.getValue());
                size.merge(ref, e.getKey().length() + e.getValue().length() + 8, Integer::sum);
                String rank = switch (store.getKey()) {
                    case StateStores.IDENTITY -> "0";
                    case StateStores.INDEX, StateStores.FACTS -> "1" + encounter(store.getKey(), e);
                    default -> "2";
                };
                order.merge(ref, rank, (a, b) -> a.compareTo(b) <= 0 ? a : b);
            }
        }
        List<String> refs = new ArrayList<>(byRef.keySet());
        refs.sort(Comparator.comparing((String r) -> order.get(r)).thenComparing(r -> r));
        List<StateTransfer> parts = new ArrayList<>();
        Map<String, SortedMap<String, String>> part = new HashMap<>();
        int chars = 0;
        for (String ref : refs) {
            if (chars > 0 && chars + size.get(ref) > maxChars) {
                parts.add(new StateTransfer(retiredKey, survivorKey, cause, part));
                part = new HashMap<>();
                chars = 0;
            }
            Map<String, SortedMap<String, String>> into = part;
            byRef.get(ref).forEach((store, es) -> into.computeIfAbsent(store, s -> new TreeMap<>()).putAll(es));
            chars += size.get(ref);
        }
        if (chars > 0) {
            parts.add(new StateTransfer(retiredKey, survivorKey, cause, part));
        }
        return parts;
    }

    /**
     * The resource ("Type/id") a store entry belongs to (fact keys are {@code encounterId␟Type/id}, series keys
     * {@code s␟code␟Type/id} or {@code i␟Type/id}).
     */
    static String ref(String store, String rest) {
        return StateStores.FACTS.equals(store) || StateStores.SERIES.equals(store)
                ? rest.substring(rest.lastIndexOf(StateStores.SEP) + 1) : rest;
    }

    private static String encounter(String store, Map.Entry<String, String> e) {
        return StateStores.FACTS.equals(store) ? e.getKey().substring(0, e.getKey().indexOf(StateStores.SEP))
                : e.getValue();
    }

    String toJson() {
        try {
            return Json.MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static StateTransfer fromJson(String json) {
        try {
            return Json.MAPPER.readValue(json, StateTransfer.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
