package org.ehrflow.embedding;

/**
 * The in-process embedding models this project ships (all-MiniLM-L6-v2, 384 dimensions, 128-token window),
 * loaded from LangChain4j's model jars on the classpath: no download at run time.
 */
public enum ModelVariant {
    /** Quantized: smaller and faster on CPU; the default. */
    INT8("all-minilm-l6-v2-q", "/all-minilm-l6-v2-q.onnx", "/all-minilm-l6-v2-q-tokenizer.json"),
    /** Full precision. */
    FP32("all-minilm-l6-v2", "/all-minilm-l6-v2.onnx", "/all-minilm-l6-v2-tokenizer.json");

    /** Output dimensions of both variants. */
    public static final int DIMENSIONS = 384;
    /** The model's window in tokens, special tokens included; longer input is truncated by the tokenizer. */
    public static final int MAX_TOKENS = 128;

    private final String modelName;
    private final String onnxResource;
    private final String tokenizerResource;

    ModelVariant(String modelName, String onnxResource, String tokenizerResource) {
        this.modelName = modelName;
        this.onnxResource = onnxResource;
        this.tokenizerResource = tokenizerResource;
    }

    /** Name stored with every row, so a model change is visible and re-embedding can be targeted. */
    public String modelName() {
        return modelName;
    }

    String onnxResource() {
        return onnxResource;
    }

    String tokenizerResource() {
        return tokenizerResource;
    }
}
