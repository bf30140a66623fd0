package org.ehrflow.embedding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ehrflow.embedding.ModelTokenizer.TokenSpan;

/**
 * Greedy longest-match-first WordPiece over the vocabulary of the model's tokenizer.json, refusing any file whose
 * normaliser, pre-tokenizer or model settings differ from the BERT ones {@link WordPieceTokenizer} reproduces.
 */
final class WordPieceVocab {

    private final Set<String> starts = new HashSet<>();
    private final Set<String> continuations = new HashSet<>();
    private final int maxPieceChars;
    private final int maxWordChars;

    private WordPieceVocab(JsonNode model) {
        String prefix = model.path("continuing_subword_prefix").asText();
        int longest = 0;
        for (var it = model.path("vocab").fieldNames(); it.hasNext(); ) {
            String token = it.next();
            starts.add(token); // a word's first piece is looked up as is
            if (token.startsWith(prefix)) {
                continuations.add(token.substring(prefix.length())); // later pieces as prefix + piece
            }
            longest = Math.max(longest, token.length());
        }
        this.maxPieceChars = longest;
        this.maxWordChars = model.path("max_input_chars_per_word").asInt();
    }

    static WordPieceVocab load(ModelVariant variant) {
        try (InputStream in = WordPieceVocab.class.getResourceAsStream(variant.tokenizerResource())) {
            if (in == null) {
                throw new IllegalStateException("tokenizer " + variant.tokenizerResource()
                        + " is not on the classpath");
            }
            JsonNode root = new ObjectMapper().readTree(in);
            require(root.path("normalizer"), "{\"type\":\"BertNormalizer\",\"clean_text\":true,"
                    + "\"handle_chinese_chars\":true,\"strip_accents\":null,\"lowercase\":true}");
            require(root.path("pre_tokenizer"), "{\"type\":\"BertPreTokenizer\"}");
            JsonNode model = root.path("model");
            if (!"WordPiece".equals(model.path("type").asText()) || !"[UNK]".equals(model.path("unk_token").asText())
                    || !"##".equals(model.path("continuing_subword_prefix").asText())
                    || !model.path("vocab").has("[UNK]")) {
                throw new IllegalStateException("tokenizer " + variant + " is not a BERT WordPiece model");
            }
            return new WordPieceVocab(model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void require(JsonNode actual, String expected) throws IOException {
        if (!actual.equals(new ObjectMapper().readTree(expected))) {
            throw new IllegalStateException("unexpected tokenizer setting " + actual);
        }
    }

    /**
     * Word pieces of {@code word} (none when it is empty), appending their spans to {@code spans} unless null. A
     * word too long, or with a part matching no piece, is one [UNK] spanning the whole word.
     */
    int pieces(WordPieceTokenizer.Word word, List<TokenSpan> spans) {
        int length = word.length;
        if (length == 0) {
            return 0;
        }
        int mark = spans == null ? 0 : spans.size();
        int count = 0;
        if (length <= maxWordChars) {
            int start = 0;
            while (start < length) {
                int end = longestPiece(word.chars, start, length);
                if (end < 0) {
                    count = -1;
                    break;
                }
                if (spans != null) {
                    spans.add(word.span(start, end));
                }
                count++;
                start = end;
            }
        }
        if (length > maxWordChars || count < 0) {
            if (spans != null) {
                spans.subList(mark, spans.size()).clear();
                spans.add(word.span(0, length));
            }
            return 1;
        }
        return count;
    }

    // End of the longest vocabulary piece at start ("##"-continued unless the word starts there), or -1.
    private int longestPiece(char[] chars, int start, int length) {
        Set<String> set = start == 0 ? starts : continuations;
        for (int end = Math.min(length, start + maxPieceChars); end > start; end--) {
            if (set.contains(new String(chars, start, end - start))) {
                return end;
            }
        }
        return -1;
    }
}
