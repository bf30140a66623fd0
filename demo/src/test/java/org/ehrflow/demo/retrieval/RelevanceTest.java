package org.ehrflow.demo.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's relevance rule, including trend questions (most of several values) and the recency tie-break. */
class RelevanceTest {

    private static final Question TREND = new Question("q1", "pk", "trend", "named", "A1c trend?",
            List.of("Observation/o1", "Observation/o2", "Observation/o3"), List.of("Encounter/e1"),
            List.of("7.1", "6.4", "8"), 2);

    @Test
    void aTrendHitNeedsACitationAndMoreThanHalfOfTheValuesAsWholeNumbers() {
        String series = "Observation series | A1c\n3 results\n2024-01-15: 6.4 %\n2023-06-01: 7.1 %\n2022-11-30: 8 %";
        assertThat(Relevance.relevant(TREND, new Hit(series, List.of("Observation/o3")))).isTrue();
        assertThat(Relevance.relevant(TREND, new Hit(series, List.of("Observation/o9")))).isFalse();
        // One value of three (a single encounter's story) is not a trend; digits inside a date or a longer number
        // do not count ("8" in 2018-..., "7.1" in 7.15).
        assertThat(Relevance.relevant(TREND, new Hit("Encounter | 2018-08-01\nA1c: 7.15 %. A1c: 6.4 %",
                List.of("Encounter/e1")))).isFalse();
        assertThat(Relevance.relevant(TREND, new Hit("A1c 7.1 % then 6.4 %", List.of("Encounter/e1")))).isTrue();
    }

    @Test
    void theRecencyTieBreakReadsTheNewestOrOldestDateOfAHit() {
        assertThat(RecencySearcher.date("a 2019-03-04 b 2021-01-02 c 2020-05-06", true)).contains("2021-01-02");
        assertThat(RecencySearcher.date("a 2019-03-04 b 2021-01-02 c 2020-05-06", false)).contains("2019-03-04");
        assertThat(RecencySearcher.date("no date here", true)).isEmpty();
    }
}
