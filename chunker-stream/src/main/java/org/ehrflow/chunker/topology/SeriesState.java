package org.ehrflow.chunker.topology;

import static org.ehrflow.chunker.topology.StateStores.key;
import static org.ehrflow.chunker.topology.StateStores.prefix;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.ehrflow.chunker.chunking.aggregate.SeriesPoint;
import org.ehrflow.schemas.Json;

/**
 * Typed access to the observation series store ({@link StateStores#SERIES}): a patient's results by code, and
 * the code each result is filed under, so a retraction (which carries no resource) knows which series it leaves.
 */
final class SeriesState {

    /** Key family of the results: {@code pk␟s␟code␟ref}. */
    static final String POINTS = "s";
    /** Key family of the index: {@code pk␟i␟ref} to the code. */
    static final String CODES = "i";

    private final KeyValueStore<String, String> store;

    SeriesState(KeyValueStore<String, String> store) {
        this.store = store;
    }

    /** The code whose series holds {@code ref}, or null. */
    String codeOf(String pk, String ref) {
        return store.get(key(pk, CODES, ref));
    }

    /** Files the result under its code; whether anything changed (the caller removed it from another code). */
    boolean put(String pk, SeriesPoint p) {
        String json = write(p);
        String k = key(pk, POINTS, p.code(), p.ref());
        if (Objects.equals(store.get(k), json)) {
            return false;
        }
        store.put(k, json);
        store.put(key(pk, CODES, p.ref()), p.code());
        return true;
    }

    /** Removes the result from the series of {@code code}; whether it was there. */
    boolean remove(String pk, String code, String ref) {
        store.delete(key(pk, CODES, ref));
        return store.delete(key(pk, POINTS, code, ref)) != null;
    }

    List<SeriesPoint> points(String pk, String code) {
        List<SeriesPoint> out = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.prefixScan(prefix(pk, POINTS, code),
                new StringSerializer())) {
            while (it.hasNext()) {
                out.add(read(it.next().value));
            }
        }
        return out;
    }

    /** The codes of every series of {@code pk}. */
    Set<String> codes(String pk) {
        Set<String> out = new LinkedHashSet<>();
        try (KeyValueIterator<String, String> it = store.prefixScan(prefix(pk, CODES), new StringSerializer())) {
            it.forEachRemaining(e -> out.add(e.value));
        }
        return out;
    }

    /** The code of a point entry's key after the patient prefix ({@code s␟code␟ref}), or null for an index entry. */
    static String codeOfEntry(String rest) {
        if (!rest.startsWith(POINTS + StateStores.SEP)) {
            return null;
        }
        return rest.substring(POINTS.length() + 1, rest.lastIndexOf(StateStores.SEP));
    }

    private static String write(SeriesPoint p) {
        try {
            return Json.MAPPER.writeValueAsString(p);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SeriesPoint read(String json) {
        try {
            return Json.MAPPER.readValue(json, SeriesPoint.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
