package org.ehrflow.chunker.chunking.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.ehrflow.chunker.TestSupport;
import org.ehrflow.chunker.chunking.FhirParsing;
import org.ehrflow.chunker.chunking.Interpretation;
import org.ehrflow.chunker.chunking.ResourceChunker;
import org.ehrflow.chunker.chunking.phi.KnownPhi;
import org.ehrflow.schemas.Chunk;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.RecordOp;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

/** The observation series renderer: which results join a series, and the one bounded chunk it becomes. */
class ObservationSeriesTest {

    private static final String A1C = "{\"system\":\"http://loinc.org\",\"code\":\"4548-4\","
            + "\"display\":\"Hemoglobin A1c/Hemoglobin.total in Blood\"}";

    static String a1c(String id, String value, String time, String flag) {
        return "{\"resourceType\":\"Observation\",\"id\":\"" + id + "\",\"status\":\"final\","
                + "\"code\":{\"coding\":[" + A1C + "]},\"effectiveDateTime\":\"" + time + "\","
                + "\"valueQuantity\":{\"value\":" + value + ",\"unit\":\"%\"}"
                + (flag == null ? "" : ",\"interpretation\":[{\"coding\":[{\"code\":\"" + flag + "\"}]}]") + "}";
    }

    private static SeriesPoint point(String json, String ref) {
        return ObservationSeries.point((Observation) FhirParsing.parse(json), ref);
    }

    @Test
    void aResultBecomesADatedLineUnderItsLoincCode() {
        SeriesPoint p = point(a1c("o1", "7.9", "2024-03-01T10:00:00Z", "H"), "Observation/o1");
        assertThat(p.code()).isEqualTo("http://loinc.org|4548-4");
        assertThat(p.label()).isEqualTo("Hemoglobin A1c/Hemoglobin.total in Blood (LOINC 4548-4)");
        assertThat(p.line()).isEqualTo("2024-03-01: 7.9 % (H)");
        assertThat(ObservationSeries.sourceId(p.code())).matches("Observation/series-[0-9a-f]{32}");
        assertThat(ResourceChunker.validSourceId(ObservationSeries.sourceId(p.code()))).isTrue();
    }

    @Test
    void bloodPressureReadsSystolicOverDiastolicAndResultsWithoutValueOrDateJoinNoSeries() {
        String bp = "{\"resourceType\":\"Observation\",\"id\":\"bp\",\"status\":\"final\",\"code\":{\"coding\":"
                + "[{\"system\":\"http://loinc.org\",\"code\":\"85354-9\",\"display\":\"Blood pressure panel\"}]},"
                + "\"effectiveDateTime\":\"2020-01-02\",\"component\":["
                + "{\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8462-4\"}]},"
                + "\"valueQuantity\":{\"value\":84.33,\"unit\":\"mm[Hg]\"}},"
                + "{\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8480-6\"}]},"
                + "\"valueQuantity\":{\"value\":128.123,\"unit\":\"mm[Hg]\"}}]}";
        assertThat(point(bp, "Observation/bp").value()).isEqualTo("128.1/84.33 mm[Hg]");
        assertThat(point(a1c("o", "7", "2024-03-01", null).replace(",\"valueQuantity\":{\"value\":7,"
                + "\"unit\":\"%\"}", ""), "Observation/o")).isNull();
        assertThat(point(a1c("o", "7", "x", null).replace(",\"effectiveDateTime\":\"x\"", ""), "Observation/o"))
                .isNull();
    }

    @Test
    void aLongSeriesIsOneChunkOfTheNewestResultsPlusTheFirstCitingEachResultItStates() {
        List<SeriesPoint> points = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            points.add(point(a1c("o" + i, String.valueOf(5 + i / 10.0), String.format("20%02d-06-01", i % 40 + 1),
                    i % 3 == 0 ? "H" : null), "Observation/o" + i));
        }
        ChunkSet set = TestSupport.chunker().seriesSet(TestSupport.PATIENT, points.get(0).code(), points,
                TestSupport.provenance(), KnownPhi.NONE);
        assertThat(set.op()).isEqualTo(RecordOp.UPSERT);
        assertThat(set.resourceType()).isEqualTo("Observation");
        assertThat(set.noteType()).isEqualTo("Observation series");
        Chunk c = set.chunks().get(0);
        assertThat(set.chunks()).hasSize(1);
        assertThat(c.section()).isEqualTo("Observation series");
        assertThat(c.tokenCount()).isLessThanOrEqualTo(128);
        assertThat(TestSupport.TOKENIZER.countTokens(c.text())).isLessThanOrEqualTo(128);
        String[] lines = c.text().split("\n");
        assertThat(lines[0]).isEqualTo("Observation series | Hemoglobin A1c/Hemoglobin.total in Blood (LOINC 4548-4)");
        assertThat(lines[1]).isEqualTo("40 results, 2001-06-01 to 2040-06-01, newest first:");
        assertThat(lines[2]).isEqualTo("2040-06-01: 8.9 % (H)");
        assertThat(lines[3]).isEqualTo("2039-06-01: 8.8 %");
        assertThat(lines[lines.length - 1]).isEqualTo("first result 2001-06-01: 5 % (H)");
        int shown = lines.length - 3;
        assertThat(shown).isBetween(5, 39);
        // Cites exactly the results it states: the newest ones and the first.
        assertThat(c.cites()).hasSize(shown + 1).startsWith("Observation/o39", "Observation/o38")
                .endsWith("Observation/o0");
        assertThat(c.cites()).doesNotContain("Observation/o" + (39 - shown));
        // A short series states every result, newest first, and no "first result" line.
        ChunkSet shortSet = TestSupport.chunker().seriesSet(TestSupport.PATIENT, points.get(0).code(),
                points.subList(0, 3), TestSupport.provenance(), KnownPhi.NONE);
        assertThat(shortSet.chunks().get(0).text()).endsWith("3 results, 2001-06-01 to 2003-06-01, newest first:\n"
                + "2003-06-01: 5.2 %\n2002-06-01: 5.1 %\n2001-06-01: 5 % (H)");
        assertThat(shortSet.chunks().get(0).cites()).containsExactly("Observation/o2", "Observation/o1",
                "Observation/o0");
        // No results left: the series is retracted.
        assertThat(TestSupport.chunker().seriesSet(TestSupport.PATIENT, points.get(0).code(), List.of(),
                TestSupport.provenance(), KnownPhi.NONE).op()).isEqualTo(RecordOp.DELETE);
    }

    @Test
    void onlyObservationsCarryASeriesPoint() {
        Interpretation i = TestSupport.chunker().interpret(TestSupport.upsert("Observation", "o1",
                a1c("o1", "6.1", "2024-03-01", null)));
        assertThat(((Interpretation.Structured) i).seriesPoint().ref()).isEqualTo("Observation/o1");
        Interpretation c = TestSupport.chunker().interpret(TestSupport.upsert("Condition", "c1",
                "{\"resourceType\":\"Condition\",\"id\":\"c1\",\"code\":{\"text\":\"Asthma\"}}"));
        assertThat(((Interpretation.Structured) c).seriesPoint()).isNull();
    }
}
