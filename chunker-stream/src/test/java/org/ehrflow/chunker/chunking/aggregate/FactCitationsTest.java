package org.ehrflow.chunker.chunking.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.ehrflow.schemas.Chunk;
import org.junit.jupiter.api.Test;

class FactCitationsTest {

    private static final Fact ENCOUNTER = new Fact("Encounter/e1", "Encounter", "2016-03-07", null,
            "Encounter: Encounter for check up (procedure). Class: AMB.");
    private static final Fact HB = new Fact("Observation/hb", "Observation", "2016-03-07", null,
            "Hemoglobin [Mass/volume] in Blood: 16.08 g/dL. Category: laboratory. Effective: 2016-03-07.");
    private static final Fact LONG = new Fact("Observation/long", "Observation", "2016-03-07", null,
            "Narrative result that runs long: " + "words of a long finding ".repeat(20) + "ending with its own tail.");

    @Test
    void eachChunkCitesTheFactsItStatesAndNotTheOthers() {
        Chunk first = chunk(0, "Encounter | 2016-03-07\n" + ENCOUNTER.text() + "\n\n" + HB.text());
        Chunk second = chunk(1, "Encounter | 2016-03-07\nNarrative result that runs long: words of a long finding");
        Chunk third = chunk(2, "Encounter | 2016-03-07\nwords of a long finding ending with its own tail.");
        List<Chunk> cited = FactCitations.cite(List.of(first, second, third), List.of(ENCOUNTER, HB, LONG));
        assertThat(cited.get(0).cites()).containsExactly("Encounter/e1", "Observation/hb");
        // A fact split across chunks is cited by the chunk with its start and the one with its end.
        assertThat(cited.get(1).cites()).containsExactly("Observation/long");
        assertThat(cited.get(2).cites()).containsExactly("Observation/long");
        assertThat(cited.get(0).text()).isEqualTo(first.text());
    }

    private static Chunk chunk(int i, String text) {
        return new Chunk("Encounter/e1#" + i, i, "Encounter", text, 40, "0".repeat(64), false, List.of());
    }
}
