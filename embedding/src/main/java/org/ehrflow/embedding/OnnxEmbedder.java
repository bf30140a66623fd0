package org.ehrflow.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The default {@link Embedder}: a {@link ModelVariant} run in process by ONNX Runtime, from the model files in
 * LangChain4j's jars (no download). A call's texts are sorted by token length and cut into micro-batches, each
 * padded only to its own longest text and run as one {@code [B, L]} inference; the token vectors are pooled as the
 * model was trained (mean over the attention mask for MiniLM, the [CLS] vector for BGE) and L2-normalised.
 *
 * <p>Thread-safe: ONNX Runtime sessions and the native tokenizer accept concurrent calls (each call then competes
 * for the same intra-op threads, so one caller with large batches is the efficient pattern). {@link #close()}
 * must not overlap a call.
 */
public final class OnnxEmbedder implements Embedder {

    /** Texts per inference for {@link ModelVariant#FP32}: amortises the call, keeps padding waste low. */
    public static final int FP32_MAX_BATCH = 8;

    private static final String[] INPUTS = {"input_ids", "attention_mask", "token_type_ids"};

    private final ModelVariant variant;
    private final HuggingFaceTokenizer tokenizer;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final int maxBatch;

    private OnnxEmbedder(ModelVariant variant, HuggingFaceTokenizer tokenizer, OrtEnvironment env,
            OrtSession session, int maxBatch) {
        this.variant = variant;
        this.tokenizer = tokenizer;
        this.env = env;
        this.session = session;
        this.maxBatch = maxBatch;
    }

    /** Loads {@code variant} with one intra-op thread per available processor and its default batch size. */
    public static OnnxEmbedder load(ModelVariant variant) {
        return load(variant, Runtime.getRuntime().availableProcessors(), defaultMaxBatch(variant));
    }

    /**
     * Texts per inference that keep a text's vector independent of the other texts in the call. The INT8 model
     * quantizes activations per tensor at run time ({@code DynamicQuantizeLinear}), so in a padded batch every
     * row's scale depends on the whole batch: measured cosine drift up to 0.015 against the same text alone.
     * On CPU, chunk-sized texts (60-128 tokens) gain little from batching anyway, so INT8 runs one text per
     * inference by default; FP32 batches are exact (cosine 1 - 1e-6) and run {@value #FP32_MAX_BATCH} at a time:
     * on 2 cores 8 length-sorted texts per call were 1.22x one per call, while 32 per call were 0.67x (padding to
     * the longest text of a large batch costs more than the call overhead it saves; BENCHMARKS.md).
     */
    public static int defaultMaxBatch(ModelVariant variant) {
        return variant == ModelVariant.FP32 ? FP32_MAX_BATCH : 1;
    }

    /**
     * Loads {@code variant}.
     *
     * @param intraOpThreads ONNX Runtime threads used inside one inference (matrix products)
     * @param maxBatch       most texts per inference; larger calls are split
     */
    public static OnnxEmbedder load(ModelVariant variant, int intraOpThreads, int maxBatch) {
        if (intraOpThreads < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("intraOpThreads and maxBatch must be positive");
        }
        // Truncate at the model window, pad nothing: padding happens per micro-batch below.
        HuggingFaceTokenizer tokenizer = ModelTokenizer.open(variant, Map.of(
                "truncation", "true", "maxLength", Integer.toString(variant.maxTokens()), "padding", "false"));
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                options.setIntraOpNumThreads(intraOpThreads);
                options.setInterOpNumThreads(1);
                OrtSession session = env.createSession(readModel(variant), options);
                return new OnnxEmbedder(variant, tokenizer, env, session, maxBatch);
            }
        } catch (OrtException | RuntimeException e) {
            tokenizer.close();
            throw new IllegalStateException("cannot load ONNX model " + variant.onnxResource(), e);
        }
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        Encoding[] enc = tokenizer.batchEncode(texts);
        // Shortest first, so each micro-batch holds texts of similar length and pads little.
        Integer[] order = IntStream.range(0, enc.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt(i -> enc[i].getIds().length));
        float[][] out = new float[enc.length][];
        for (int from = 0; from < order.length; from += maxBatch) {
            Integer[] batch = Arrays.copyOfRange(order, from, Math.min(order.length, from + maxBatch));
            float[][] vectors = run(enc, batch);
            for (int b = 0; b < batch.length; b++) {
                out[batch[b]] = vectors[b];
            }
        }
        return Arrays.asList(out);
    }

    /** One inference over {@code rows} of {@code enc}, padded to the longest of them. */
    private float[][] run(Encoding[] enc, Integer[] rows) {
        int b = rows.length;
        int len = 0;
        for (Integer r : rows) {
            len = Math.max(len, enc[r].getIds().length);
        }
        long[] ids = new long[b * len];
        long[] mask = new long[b * len];
        long[] types = new long[b * len];
        for (int i = 0; i < b; i++) {
            Encoding e = enc[rows[i]];
            System.arraycopy(e.getIds(), 0, ids, i * len, e.getIds().length);
            System.arraycopy(e.getAttentionMask(), 0, mask, i * len, e.getAttentionMask().length);
            System.arraycopy(e.getTypeIds(), 0, types, i * len, e.getTypeIds().length);
        }
        long[] shape = {b, len};
        List<OnnxTensor> inputs = new ArrayList<>(3);
        try {
            inputs.add(OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            inputs.add(OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            inputs.add(OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape));
            Map<String, OnnxTensor> feed = new HashMap<>();
            for (int i = 0; i < INPUTS.length; i++) {
                // Some exports take no token_type_ids; feed only what the graph declares.
                if (session.getInputNames().contains(INPUTS[i])) {
                    feed.put(INPUTS[i], inputs.get(i));
                }
            }
            try (OrtSession.Result result = session.run(feed)) {
                FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
                return variant.pooling() == ModelVariant.Pooling.CLS ? clsNormalised(hidden, b, len, dimensions())
                        : meanPoolNormalised(hidden, mask, b, len, dimensions());
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX inference failed for a batch of " + b, e);
        } finally {
            inputs.forEach(OnnxTensor::close);
        }
    }

    /** Each row's first ([CLS]) token vector, scaled to unit length. */
    static float[][] clsNormalised(FloatBuffer hidden, int b, int len, int dim) {
        float[][] out = new float[b][dim];
        for (int i = 0; i < b; i++) {
            hidden.get(i * len * dim, out[i]);
            double norm = 0;
            for (float x : out[i]) {
                norm += (double) x * x;
            }
            float scale = (float) (1.0 / Math.max(Math.sqrt(norm), 1e-12));
            for (int d = 0; d < dim; d++) {
                out[i][d] *= scale;
            }
        }
        return out;
    }

    @Override
    public int inferenceBatch() {
        return maxBatch;
    }

    @Override
    public float[] embedQuery(String question) {
        return embed(List.of(variant.queryInstruction() + question)).get(0);
    }

    @Override
    public List<float[]> embedQueries(List<String> questions) {
        return embed(questions.stream().map(q -> variant.queryInstruction() + q).toList());
    }

    /** Mean of each row's token vectors where the mask is 1, scaled to unit length. */
    static float[][] meanPoolNormalised(FloatBuffer hidden, long[] mask, int b, int len, int dim) {
        float[][] out = new float[b][dim];
        float[] token = new float[dim];
        for (int i = 0; i < b; i++) {
            float[] v = out[i];
            int count = 0;
            for (int t = 0; t < len; t++) {
                if (mask[i * len + t] == 0) {
                    continue;
                }
                hidden.get((i * len + t) * dim, token);
                for (int d = 0; d < dim; d++) {
                    v[d] += token[d];
                }
                count++;
            }
            double norm = 0;
            for (int d = 0; d < dim; d++) {
                v[d] /= Math.max(count, 1);
                norm += (double) v[d] * v[d];
            }
            float scale = (float) (1.0 / Math.max(Math.sqrt(norm), 1e-12));
            for (int d = 0; d < dim; d++) {
                v[d] *= scale;
            }
        }
        return out;
    }

    @Override
    public String modelName() {
        return variant.modelName();
    }

    @Override
    public int dimensions() {
        return ModelVariant.DIMENSIONS;
    }

    public ModelVariant variant() {
        return variant;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close ONNX session", e);
        } finally {
            tokenizer.close();
        }
    }

    private static byte[] readModel(ModelVariant variant) {
        try (InputStream in = OnnxEmbedder.class.getResourceAsStream(variant.onnxResource())) {
            if (in == null) {
                throw new IllegalStateException("model " + variant.onnxResource()
                        + " is not on the classpath: add the LangChain4j model jar for " + variant);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
