package org.ehrflow.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The embedding model's own WordPiece tokenizer, so chunk budgets are counted exactly as the model will see
 * them. Counting never truncates (the bundled tokenizer.json truncates at 128, which would hide overflow).
 * Thread-safe: the native tokenizer is immutable after construction.
 */
public final class ModelTokenizer implements TokenCounter, AutoCloseable {

    static {
        // DJL "calls home" to the EC2 metadata address when it loads, unless told not to; this pipeline must make
        // no network calls beyond its broker and database, and must never try to download native libraries.
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.offline", "true");
    }

    private final HuggingFaceTokenizer counting;
    private final ModelVariant variant;

    private ModelTokenizer(ModelVariant variant, HuggingFaceTokenizer counting) {
        this.variant = variant;
        this.counting = counting;
    }

    public static ModelTokenizer load(ModelVariant variant) {
        return new ModelTokenizer(variant, open(variant, Map.of("truncation", "false", "padding", "false")));
    }

    /** Tokens the model sees for {@code text}, including [CLS] and [SEP]. */
    @Override
    public int countTokens(String text) {
        return counting.encode(text).getIds().length;
    }

    /**
     * Tokens of {@code text} without special tokens, with their character spans, for cutting text at a token
     * budget.
     */
    @Override
    public List<TokenSpan> spans(String text) {
        Encoding e = counting.encode(text, false, false);
        ai.djl.huggingface.tokenizers.jni.CharSpan[] cs = e.getCharTokenSpans();
        ArrayList<TokenSpan> out = new ArrayList<>(cs.length);
        for (ai.djl.huggingface.tokenizers.jni.CharSpan c : cs) {
            if (c != null) {
                out.add(new TokenSpan(c.getStart(), c.getEnd()));
            }
        }
        return out;
    }

    /** Most content tokens one chunk may hold: the window less [CLS] and [SEP]. */
    public int contentBudget() {
        return ModelVariant.MAX_TOKENS - 2;
    }

    public ModelVariant variant() {
        return variant;
    }

    static HuggingFaceTokenizer open(ModelVariant variant, Map<String, String> options) {
        try (InputStream in = ModelTokenizer.class.getResourceAsStream(variant.tokenizerResource())) {
            if (in == null) {
                throw new IllegalStateException("tokenizer " + variant.tokenizerResource()
                        + " is not on the classpath: add the LangChain4j model jar for " + variant);
            }
            return HuggingFaceTokenizer.newInstance(in, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        counting.close();
    }

    /** A token's character span [start, end) in the input. */
    public record TokenSpan(int start, int end) {
    }
}
