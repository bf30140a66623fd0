package org.ehrflow.embedding;

import java.util.List;
import org.ehrflow.embedding.ModelTokenizer.TokenSpan;

/** Counts and locates the embedding model's tokens in a text, exactly as the model's tokenizer does. */
public interface TokenCounter {

    /** Tokens the model sees for {@code text}, including [CLS] and [SEP]. */
    int countTokens(String text);

    /** Tokens of {@code text} without special tokens, with their character spans. */
    List<TokenSpan> spans(String text);

    /** Tokens of {@code text} without special tokens: {@code spans(text).size()}, possibly computed faster. */
    default int contentTokens(String text) {
        return spans(text).size();
    }
}
