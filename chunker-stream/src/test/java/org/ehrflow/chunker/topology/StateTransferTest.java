package org.ehrflow.chunker.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.ehrflow.chunker.TestSupport;
import org.junit.jupiter.api.Test;

class StateTransferTest {

    private static final String S = String.valueOf(StateStores.SEP);

    // Entries as the stores hold them after the patient-key prefix: 40 facts in two encounters, their index
    // entries, two summary items and one identity.
    private static StateTransfer transfer() {
        SortedMap<String, String> facts = new TreeMap<>();
        SortedMap<String, String> index = new TreeMap<>();
        for (int i = 0; i < 40; i++) {
            String enc = i % 2 == 0 ? "e1" : "e2";
            facts.put(enc + S + "Observation/o" + i, "{\"text\":\"" + "x".repeat(100) + "\"}");
            index.put("Observation/o" + i, enc);
        }
        SortedMap<String, String> summary = new TreeMap<>(Map.of("Observation/o3", "{\"item\":1}",
                "Condition/c1", "{\"item\":2}"));
        index.put("Condition/c1", "");
        SortedMap<String, String> identity = new TreeMap<>(Map.of("Patient/p-1", "{\"names\":[\"Quixano\"]}"));
        return new StateTransfer(TestSupport.PATIENT, "pk_00000000000000000000000000000002", TestSupport.provenance(),
                Map.of(StateStores.FACTS, facts, StateStores.INDEX, index, StateStores.SUMMARY, summary,
                        StateStores.IDENTITY, identity));
    }

    @Test
    void partsKeepEveryEntryOfAResourceTogetherLoseNothingAndPutIdentitiesFirst() {
        StateTransfer whole = transfer();
        List<StateTransfer> parts = whole.parts(1_000);
        assertThat(parts).hasSizeGreaterThan(3);
        Map<String, Map<String, String>> union = new HashMap<>();
        Map<String, Integer> partOfRef = new HashMap<>();
        for (int p = 0; p < parts.size(); p++) {
            StateTransfer part = parts.get(p);
            assertThat(part.survivorKey()).isEqualTo(whole.survivorKey());
            for (var store : part.entries().entrySet()) {
                for (var e : store.getValue().entrySet()) {
                    union.computeIfAbsent(store.getKey(), k -> new HashMap<>()).put(e.getKey(), e.getValue());
                    Integer before = partOfRef.putIfAbsent(StateTransfer.ref(store.getKey(), e.getKey()), p);
                    assertThat(before == null || before == p).as("entries of one resource in one part").isTrue();
                }
            }
        }
        assertThat(union).isEqualTo(whole.entries());
        assertThat(partOfRef.get("Patient/p-1")).isZero();
        // Grouped by encounter: all of e1's facts come before e2's.
        int lastE1 = observationParts(partOfRef, 0).max().orElseThrow();
        int firstE2 = observationParts(partOfRef, 1).min().orElseThrow();
        assertThat(lastE1).isLessThanOrEqualTo(firstE2);
        assertThat(whole.parts(StateTransfer.MAX_PART_CHARS)).singleElement()
                .satisfies(p -> assertThat(p.entries()).isEqualTo(whole.entries()));
    }

    // Parts holding observations of encounter e1 (even numbers) or e2 (odd).
    private static IntStream observationParts(Map<String, Integer> partOfRef, int odd) {
        return partOfRef.entrySet().stream().filter(e -> e.getKey().startsWith("Observation/o")
                && Integer.parseInt(e.getKey().substring("Observation/o".length())) % 2 == odd)
                .mapToInt(Map.Entry::getValue);
    }

    @Test
    void aPartSurvivesTheJsonRoundTrip() {
        StateTransfer t = transfer();
        assertThat(StateTransfer.fromJson(t.toJson())).isEqualTo(t);
        assertThat(t.toJson()).doesNotContain("\"empty\"");
    }
}
