package org.ehrflow.chunker.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.ehrflow.chunker.Corpus;
import org.ehrflow.chunker.TestSupport;
import org.ehrflow.chunker.chunking.phi.PhiDetector;
import org.ehrflow.schemas.Chunk;
import org.ehrflow.schemas.FhirRecord;
import org.junit.jupiter.api.Test;

/**
 * Counting with the pure-Java WordPieceTokenizer changes no chunk: every resource of the shared corpus gives the
 * same result (chunk texts, token counts, ids, hashes, PHI spans) as counting with the native model tokenizer, at
 * the default window and at settings that cut more often; and every chunk text tokenizes to the same spans.
 */
class CounterEquivalenceTest {

    @Test
    void theWholeCorpusChunksIdenticallyWithEitherCounter() {
        List<Corpus.Entry> corpus = Corpus.all();
        int chunks = 0;
        for (ChunkingOptions options : List.of(ChunkingOptions.defaults(), new ChunkingOptions(48, 12),
                new ChunkingOptions(128, 0))) {
            ResourceChunker reference = chunker(TestSupport.TOKENIZER, options);
            ResourceChunker fast = chunker(TestSupport.COUNTER, options);
            boolean full = options.equals(ChunkingOptions.defaults());
            for (int i = 0; i < corpus.size(); i += full ? 1 : 10) { // other settings: a sample, to keep it short
                Corpus.Entry e = corpus.get(i);
                FhirRecord rec = TestSupport.upsert(e.resourceType(), e.id(), e.json());
                ChunkResult expected = reference.chunk(rec);
                ChunkResult actual = fast.chunk(rec);
                assertThat(actual.getClass()).as(e.origin()).isEqualTo(expected.getClass());
                if (expected instanceof ChunkResult.Mapped m) {
                    assertThat(actual).as("%s with %s", e.origin(), options).isEqualTo(expected);
                    for (Chunk c : full ? m.set().chunks() : List.<Chunk>of()) {
                        assertThat(TestSupport.COUNTER.spans(c.text())).as(c.chunkId())
                                .isEqualTo(TestSupport.TOKENIZER.spans(c.text()));
                        chunks++;
                    }
                }
            }
        }
        assertThat(chunks).isGreaterThan(9000);
    }

    private static ResourceChunker chunker(org.ehrflow.embedding.TokenCounter counter, ChunkingOptions options) {
        return new ResourceChunker(new TextChunker(counter, options), PhiDetector.patternsOnly());
    }
}
