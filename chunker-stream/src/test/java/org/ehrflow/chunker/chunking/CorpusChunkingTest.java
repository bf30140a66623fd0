package org.ehrflow.chunker.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.ehrflow.chunker.Corpus;
import org.ehrflow.chunker.TestSupport;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.schemas.Chunk;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.SchemaValidator;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared corpus as a regression suite: every note (DocumentReference attachments, DiagnosticReport
 * presentedForm) and every structured resource chunks within the model window, counted again here with the real
 * tokenizer, chunking twice gives identical ids and hashes, and no note loses text (chunk bodies minus headers
 * and overlap cover the cleaned document).
 */
class CorpusChunkingTest {

    private static final Set<String> NOTE_TYPES = Set.of("DocumentReference", "DiagnosticReport");
    private static List<Corpus.Entry> corpus;

    @BeforeAll
    static void load() {
        corpus = Corpus.all();
    }

    @Test
    void everyNoteChunksWithinTheModelWindowAndDeterministically() {
        ResourceChunker chunker = TestSupport.chunker();
        int notes = 0;
        int chunks = 0;
        List<String> lossy = new ArrayList<>();
        int max = 0;
        long nanos = 0;
        for (Corpus.Entry e : corpus) {
            if (!NOTE_TYPES.contains(e.resourceType()) || !e.json().contains("\"data\"")) {
                continue;
            }
            notes++;
            long t0 = System.nanoTime();
            ChunkSet first = mapped(chunker.chunk(TestSupport.upsert(e.resourceType(), e.id(), e.json())), e);
            nanos += System.nanoTime() - t0;
            // No loss: the chunk bodies, overlaps removed, cover the cleaned document (all sections, in order).
            Interpretation.Note note = (Interpretation.Note) chunker.interpret(
                    TestSupport.upsert(e.resourceType(), e.id(), e.json()));
            StringBuilder doc = new StringBuilder();
            note.note().sections().forEach(s -> doc.append(squash(s.body())));
            List<String> bodies = first.chunks().stream().map(Chunk::text)
                    .map(t -> squash(t.substring(t.indexOf('\n') + 1))).toList();
            if (!covers(doc.toString(), bodies)) {
                lossy.add(e.origin());
            }
            ChunkSet second = mapped(chunker.chunk(TestSupport.upsert(e.resourceType(), e.id(), e.json())), e);
            assertThat(first.chunks()).as(e.origin()).isNotEmpty();
            assertThat(second).as("deterministic: " + e.origin()).isEqualTo(first);
            byte[] bytes = Topics.CHUNKS.valueSerde().serializer().serialize(Topics.CHUNKS.name(), first);
            assertThat(SchemaValidator.problems(Topics.CHUNKS, bytes)).as(e.origin()).isEmpty();
            for (Chunk c : first.chunks()) {
                int recount = TestSupport.TOKENIZER.countTokens(c.text());
                assertThat(recount).as(c.chunkId()).isLessThanOrEqualTo(ModelVariant.MAX_TOKENS)
                        .isEqualTo(c.tokenCount());
                assertThat(c.text().lines().skip(1).toList()).as("body of " + c.chunkId()).isNotEmpty();
                assertThat(c.text().strip()).isNotEmpty();
                assertThat(c.chunkId()).isEqualTo(first.sourceId() + "#" + c.index());
                max = Math.max(max, recount);
            }
            chunks += first.chunks().size();
        }
        // 1,278 DocumentReferences and 62 DiagnosticReports with presentedForm in the corpus.
        assertThat(notes).isGreaterThanOrEqualTo(1300);
        assertThat(lossy).as("notes whose chunks lose text").isEmpty();
        System.out.printf("corpus notes: %d notes, %d chunks, max %d tokens, %.1f ms per note%n", notes, chunks, max,
                nanos / 1e6 / notes);
    }

    @Test
    void theCoverageCheckSeesOverlapsButRejectsGapsAndForeignText() {
        assertThat(covers("abcdefgh", List.of("abcd", "cdefgh"))).isTrue();
        assertThat(covers("abcdefgh", List.of("abc", "efgh"))).isFalse();
        assertThat(covers("abcdefgh", List.of("abcd", "xyz"))).isFalse();
        assertThat(covers("abcdefgh", List.of("abcd"))).isFalse();
    }

    @Test
    void everyStructuredCorpusResourceIsRenderedOrSkippedAndEverySetValidates() {
        ResourceChunker chunker = TestSupport.chunker();
        Map<String, Integer> unsupported = new TreeMap<>();
        Map<String, Integer> mapped = new HashMap<>();
        List<String> rejected = new ArrayList<>();
        for (Corpus.Entry e : corpus) {
            if (NOTE_TYPES.contains(e.resourceType()) && e.json().contains("\"data\"")) {
                continue; // notes: the test above
            }
            ChunkResult r = chunker.chunk(TestSupport.upsert(e.resourceType(), e.id(), e.json()));
            if (r instanceof ChunkResult.Rejected rej) {
                rejected.add(e.origin() + " " + rej.reasonCode());
            } else if (r instanceof ChunkResult.Unsupported u) {
                unsupported.merge(u.resourceType(), 1, Integer::sum);
            } else {
                ChunkSet set = ((ChunkResult.Mapped) r).set();
                mapped.merge(e.resourceType(), 1, Integer::sum);
                byte[] bytes = Topics.CHUNKS.valueSerde().serializer().serialize(Topics.CHUNKS.name(), set);
                assertThat(SchemaValidator.problems(Topics.CHUNKS, bytes)).as(e.origin()).isEmpty();
                set.chunks().forEach(c -> assertThat(c.tokenCount()).isLessThanOrEqualTo(ModelVariant.MAX_TOKENS));
            }
        }
        assertThat(rejected).isEmpty();
        assertThat(mapped).containsKeys("Observation", "Condition", "Encounter", "Immunization", "Procedure",
                "MedicationRequest", "AllergyIntolerance", "Patient", "DiagnosticReport");
        // Billing and directory resources carry nothing a clinical retriever should embed.
        assertThat(unsupported).containsKeys("Claim", "ExplanationOfBenefit", "Organization", "Practitioner");
    }

    /**
     * Whether consecutive bodies, each overlapping or continuing what came before, cover {@code doc} exactly
     * (compared with whitespace removed: chunking re-joins units with its own separators).
     */
    static boolean covers(String doc, List<String> bodies) {
        int pos = 0;
        for (String b : bodies) {
            // The furthest occurrence that starts inside or right after the covered text (notes repeat lines).
            int at = doc.lastIndexOf(b, pos);
            if (at < 0) {
                return false; // not text of the document, or a gap before it
            }
            pos = Math.max(pos, at + b.length());
        }
        return pos == doc.length();
    }

    private static String squash(String s) {
        return s.replaceAll("\\s+", "");
    }

    private static ChunkSet mapped(ChunkResult r, Corpus.Entry e) {
        assertThat(r).as(e.origin()).isInstanceOf(ChunkResult.Mapped.class);
        return ((ChunkResult.Mapped) r).set();
    }
}
