package org.ehrflow.embedding;

/**
 * The in-process embedding models this project ships, loaded from LangChain4j's model jars on the classpath (no
 * download at run time): all-MiniLM-L6-v2 (INT8, FP32; mean pooling, 128-token window) and BAAI bge-small-en-v1.5
 * (quantized; CLS pooling, 512-token window, an instruction before queries). All have 384 dimensions and the same
 * uncased BERT WordPiece vocabulary, so the chunker's token counts hold for every variant.
 */
public enum ModelVariant {
    /** Quantized all-MiniLM-L6-v2: smaller and faster on CPU; the default. */
    INT8("all-minilm-l6-v2-q", "/all-minilm-l6-v2-q.onnx", "/all-minilm-l6-v2-q-tokenizer.json", 128, Pooling.MEAN,
            ""),
    /** Full-precision all-MiniLM-L6-v2. */
    FP32("all-minilm-l6-v2", "/all-minilm-l6-v2.onnx", "/all-minilm-l6-v2-tokenizer.json", 128, Pooling.MEAN, ""),
    /**
     * BAAI bge-small-en-v1.5, quantized by LangChain4j. Trained for retrieval with the [CLS] vector and an
     * instruction before short queries (not before passages), as its model card prescribes.
     */
    BGE_SMALL_INT8("bge-small-en-v1.5-q", "/bge-small-en-v1.5-q.onnx", "/bge-small-en-v1.5-q-tokenizer.json", 512,
            Pooling.CLS, "Represent this sentence for searching relevant passages: ");

    /** How a model turns its token vectors into one text vector. */
    public enum Pooling {
        /** Mean of the token vectors under the attention mask (sentence-transformers' MiniLM). */
        MEAN,
        /** The first ([CLS]) token's vector (BGE). */
        CLS
    }

    /** Output dimensions of every variant. */
    public static final int DIMENSIONS = 384;
    /**
     * The smallest window of the shipped variants (all-MiniLM-L6-v2's), special tokens included: the chunker's
     * budget ceiling, so a chunk fits whichever variant embeds it. {@link #maxTokens()} is the variant's own.
     */
    public static final int MAX_TOKENS = 128;

    private final String modelName;
    private final String onnxResource;
    private final String tokenizerResource;
    private final int maxTokens;
    private final Pooling pooling;
    private final String queryInstruction;

    ModelVariant(String modelName, String onnxResource, String tokenizerResource, int maxTokens, Pooling pooling,
            String queryInstruction) {
        this.modelName = modelName;
        this.onnxResource = onnxResource;
        this.tokenizerResource = tokenizerResource;
        this.maxTokens = maxTokens;
        this.pooling = pooling;
        this.queryInstruction = queryInstruction;
    }

    /** This model's window in tokens, special tokens included; longer input is truncated by the tokenizer. */
    public int maxTokens() {
        return maxTokens;
    }

    public Pooling pooling() {
        return pooling;
    }

    /** Text put before a search query (never before a chunk) when embedding it; empty for symmetric models. */
    public String queryInstruction() {
        return queryInstruction;
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
