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
 * tokenizer, and chunking twice gives identical ids and hashes.
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
        System.out.printf("corpus notes: %d notes, %d chunks, max %d tokens, %.1f ms per note%n", notes, chunks, max,
                nanos / 1e6 / notes);
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

    private static ChunkSet mapped(ChunkResult r, Corpus.Entry e) {
        assertThat(r).as(e.origin()).isInstanceOf(ChunkResult.Mapped.class);
        return ((ChunkResult.Mapped) r).set();
    }
}
