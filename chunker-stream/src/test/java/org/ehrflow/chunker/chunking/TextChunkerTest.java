package org.ehrflow.chunker.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.ehrflow.chunker.TestSupport;
import org.ehrflow.chunker.chunking.model.ContextHeader;
import org.ehrflow.chunker.chunking.model.Section;
import org.junit.jupiter.api.Test;

class TextChunkerTest {

    private static final ContextHeader HEADER = new ContextHeader("Progress note", "2024-01-02", null);

    private static String sentences(int n) {
        return IntStream.range(0, n).mapToObj(i -> "Sentence number " + i + " describes stable vital signs.")
                .collect(Collectors.joining(" "));
    }

    private static String body(Piece p) {
        return p.text().substring(p.text().indexOf('\n') + 1);
    }

    @Test
    void longSectionIsSplitWithinBudgetAndLosesNoSentence() {
        TextChunker chunker = new TextChunker(TestSupport.COUNTER, ChunkingOptions.defaults());
        List<Piece> pieces = chunker.chunk(HEADER, List.of(new Section("Hospital Course", sentences(60))));
        assertThat(pieces).hasSizeGreaterThan(3);
        for (Piece p : pieces) {
            assertThat(TestSupport.TOKENIZER.countTokens(p.text())).isEqualTo(p.tokenCount()).isLessThanOrEqualTo(128);
            assertThat(p.text()).startsWith("Progress note | 2024-01-02 | Hospital Course\n");
            assertThat(p.section()).isEqualTo("Hospital Course");
        }
        String all = pieces.stream().map(TextChunkerTest::body).collect(Collectors.joining(" "));
        IntStream.range(0, 60).forEach(i -> assertThat(all).contains("Sentence number " + i + " describes"));
    }

    @Test
    void consecutiveChunksOfASectionOverlapAndWithoutOverlapTheyPartitionTheText() {
        String text = sentences(40);
        TextChunker overlapping = new TextChunker(TestSupport.COUNTER, new ChunkingOptions(128, 16));
        List<Piece> a = overlapping.chunk(HEADER, List.of(new Section("Plan", text)));
        for (int i = 1; i < a.size(); i++) {
            String[] previous = body(a.get(i - 1)).split("(?<=\\.) ");
            String current = body(a.get(i));
            // 16 tokens of overlap = the previous chunk's last two 8-token sentences, whole.
            String carried = previous[previous.length - 2] + " " + previous[previous.length - 1];
            assertThat(current).as("chunk %d starts with the end of chunk %d", i, i - 1).startsWith(carried);
        }
        TextChunker plain = new TextChunker(TestSupport.COUNTER, new ChunkingOptions(128, 0));
        String joined = plain.chunk(HEADER, List.of(new Section("Plan", text))).stream().map(TextChunkerTest::body)
                .collect(Collectors.joining(" "));
        assertThat(joined).isEqualTo(text);
    }

    @Test
    void chunksNeverSpanTwoSections() {
        TextChunker chunker = new TextChunker(TestSupport.COUNTER, ChunkingOptions.defaults());
        List<Piece> pieces = chunker.chunk(HEADER, List.of(new Section("Allergies", "No known allergies."),
                new Section("Plan", "Rest and fluids.")));
        assertThat(pieces).extracting(Piece::text).containsExactly(
                "Progress note | 2024-01-02 | Allergies\nNo known allergies.",
                "Progress note | 2024-01-02 | Plan\nRest and fluids.");
    }

    @Test
    void textWithoutBoundariesFallsBackToTokenWindows() {
        // No whitespace or punctuation to split at: only token spans can cut it.
        // (One 2,400-character word would be a single [UNK]; hyphens make every piece a token.)
        String blob = "ab-".repeat(500);
        TextChunker chunker = new TextChunker(TestSupport.COUNTER, new ChunkingOptions(64, 8));
        List<Piece> pieces = chunker.chunk(HEADER, List.of(new Section("Results", blob)));
        assertThat(pieces).hasSizeGreaterThan(10);
        pieces.forEach(p -> assertThat(TestSupport.TOKENIZER.countTokens(p.text())).isLessThanOrEqualTo(64));
    }

    @Test
    void nonAsciiTextStaysWithinBudget() {
        String text = "Température 38,5 °C, naïve patient, Überweisung; 患者は安定しています。 ".repeat(30);
        TextChunker chunker = new TextChunker(TestSupport.COUNTER, ChunkingOptions.defaults());
        List<Piece> pieces = chunker.chunk(HEADER, List.of(new Section("Notes", text)));
        pieces.forEach(p -> assertThat(TestSupport.TOKENIZER.countTokens(p.text())).isLessThanOrEqualTo(128));
        assertThat(pieces).isNotEmpty();
    }

    @Test
    void headerSpellsOutShortEncounterReferencesOnly() {
        TextChunker chunker = new TextChunker(TestSupport.COUNTER, ChunkingOptions.defaults());
        Section s = new Section("Plan", "Rest.");
        assertThat(chunker.chunk(new ContextHeader("ED note", "2024-01-02", "V1234"), List.of(s)).get(0).text())
                .isEqualTo("ED note | 2024-01-02 | Plan | Encounter/V1234\nRest.");
        // A UUID costs ~28 word pieces: it stays in the set's encounterId tag, not in the text.
        assertThat(chunker.chunk(new ContextHeader("ED note", "2024-01-02", "7e88f7f8-fa10-41ab-9964-590d6a32f8ef"),
                List.of(s)).get(0).text()).isEqualTo("ED note | 2024-01-02 | Plan\nRest.");
    }
}
