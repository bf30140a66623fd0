package org.ehrflow.embedding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ehrflow.embedding.ModelTokenizer.TokenSpan;

/**
 * The model's BERT WordPiece tokenizer in pure Java, for counting tokens and finding their spans without a native
 * call per text: same counts and spans as {@link ModelTokenizer} (WordPieceTokenizerTest compares them on the shared
 * corpus, every handled character and tricky strings). Texts with characters outside {@link BertText}'s tables or
 * with a special-token literal such as "[CLS]" go to the native tokenizer. Thread-safe; holds no native resource
 * of its own (whoever loaded the fallback closes it).
 */
public final class WordPieceTokenizer implements TokenCounter {

    private static final String[] SPECIAL_LITERALS = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};

    private final WordPieceVocab vocab;
    private final ModelTokenizer fallback;

    private WordPieceTokenizer(WordPieceVocab vocab, ModelTokenizer fallback) {
        this.vocab = vocab;
        this.fallback = fallback;
    }

    /** A tokenizer with the vocabulary of {@code fallback}'s model, which also handles the texts this one does not. */
    public static WordPieceTokenizer over(ModelTokenizer fallback) {
        return new WordPieceTokenizer(WordPieceVocab.load(fallback.variant()), fallback);
    }

    @Override
    public int countTokens(String text) {
        return handles(text) ? tokenize(text, null) + 2 : fallback.countTokens(text);
    }

    @Override
    public int contentTokens(String text) {
        return handles(text) ? tokenize(text, null) : fallback.spans(text).size();
    }

    @Override
    public List<TokenSpan> spans(String text) {
        if (!handles(text)) {
            return fallback.spans(text);
        }
        List<TokenSpan> out = new ArrayList<>();
        tokenize(text, out);
        return out;
    }

    /** Whether {@code text} is tokenized here rather than by the native tokenizer. */
    public boolean handles(String text) {
        boolean bracket = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!BertText.handles(c)) {
                return false;
            }
            bracket |= c == '[';
        }
        if (bracket) {
            for (String literal : SPECIAL_LITERALS) {
                if (text.contains(literal)) {
                    return false; // matched as one special token before normalisation
                }
            }
        }
        return true;
    }

    // Normalise and pre-tokenise character by character, remembering each normalised character's source index.
    private int tokenize(String text, List<TokenSpan> spans) {
        Word word = new Word();
        int count = 0;
        for (int i = 0; i < text.length(); i++) {
            for (char n : BertText.normalized(text.charAt(i))) {
                byte kind = BertText.kind(n);
                if (kind == BertText.WORD) {
                    word.add(n, i);
                    continue;
                }
                count += vocab.pieces(word, spans);
                word.clear();
                if (kind == BertText.PUNCT) {
                    word.add(n, i);
                    count += vocab.pieces(word, spans);
                    word.clear();
                }
            }
        }
        return count + vocab.pieces(word, spans);
    }

    /** One pre-token: its normalised characters and, for each, the index of the input character it came from. */
    static final class Word {
        char[] chars = new char[32];
        int[] source = new int[32];
        int length;

        void add(char c, int from) {
            if (length == chars.length) {
                chars = Arrays.copyOf(chars, length * 2);
                source = Arrays.copyOf(source, length * 2);
            }
            chars[length] = c;
            source[length++] = from;
        }

        void clear() {
            length = 0;
        }

        TokenSpan span(int start, int end) {
            return new TokenSpan(source[start], source[end - 1] + 1);
        }
    }
}
