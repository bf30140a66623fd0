package org.ehrflow.chunker.chunking;

import org.ehrflow.embedding.ModelVariant;

/**
 * Chunk size limits, in tokens of the embedding model's tokenizer.
 *
 * @param maxTokens     most tokens one chunk's text may have, [CLS] and [SEP] included (at most the model window)
 * @param overlapTokens tokens of a section's previous chunk repeated at the start of its next chunk
 */
public record ChunkingOptions(int maxTokens, int overlapTokens) {

    /** Smallest window that still leaves room for a header and some text. */
    public static final int MIN_TOKENS = 24;
    public static final int DEFAULT_OVERLAP = 16;

    public ChunkingOptions {
        if (maxTokens < MIN_TOKENS || maxTokens > ModelVariant.MAX_TOKENS) {
            throw new IllegalArgumentException("maxTokens must be between " + MIN_TOKENS + " and "
                    + ModelVariant.MAX_TOKENS);
        }
        if (overlapTokens < 0 || overlapTokens > maxTokens / 4) {
            throw new IllegalArgumentException("overlapTokens must be between 0 and maxTokens/4");
        }
    }

    /** The full model window with the default overlap. */
    public static ChunkingOptions defaults() {
        return new ChunkingOptions(ModelVariant.MAX_TOKENS, DEFAULT_OVERLAP);
    }

    /** Tokens available for header and body: the window less [CLS] and [SEP]. */
    public int contentBudget() {
        return maxTokens - 2;
    }

    /** Most tokens the context header may take, so every chunk keeps room for text. */
    public int maxHeaderTokens() {
        return contentBudget() / 3;
    }
}
